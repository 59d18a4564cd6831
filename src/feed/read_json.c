/* The JSON Feed reader (jsonfeed.org, versions 1 and 1.1): the document is
 * size-checked by feed_parse(), then loaded by jansson with duplicate keys
 * rejected. Text fields become model strings; "content_text" and
 * "summary" (plain text) are escaped into HTML; 1.1's "authors" and
 * "language" and 1.0's "author" are both read. */
#include "feed/build.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "util/str.h"
#include "util/time.h"

static const char *
jstr(struct feed_builder *fb, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_string(v))
        return NULL;
    return fb_text(fb, json_string_value(v), json_string_length(v));
}

static const char *
jlang(struct feed_builder *fb, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_string(v))
        return NULL;
    return fb_lang(fb, json_string_value(v), json_string_length(v));
}

static const char *
jurl(struct feed_builder *fb, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_string(v))
        return NULL;
    return fb_url(fb, NULL, json_string_value(v), json_string_length(v));
}

static struct syn_time
jtime(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    struct syn_time t = {0, false};
    int64_t u;

    if (json_is_string(v) &&
        time_parse(json_string_value(v), json_string_length(v), &u)) {
        t.unix_s = u;
        t.known = true;
    }
    return t;
}

/* Plain text escaped into HTML. */
static const char *
jtext_html(struct feed_builder *fb, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    const char *s;
    size_t i, len, run = 0;

    if (!json_is_string(v))
        return NULL;
    s = json_string_value(v);
    len = json_string_length(v);
    buf_reset(&fb->tmp);
    for (i = 0; i < len; i++) {
        const char *rep = s[i] == '&'   ? "&amp;"
                          : s[i] == '<' ? "&lt;"
                          : s[i] == '>' ? "&gt;"
                                        : NULL;

        if (rep == NULL)
            continue;
        if (buf_append(&fb->tmp, s + run, i - run) != SYN_OK ||
            buf_append_str(&fb->tmp, rep) != SYN_OK)
            goto nomem;
        run = i + 1;
    }
    if (buf_append(&fb->tmp, s + run, len - run) != SYN_OK)
        goto nomem;
    /* fb_text reuses tmp: copy through a model string first */
    s = arena_strndup(&fb->f->arena, fb->tmp.data != NULL ? fb->tmp.data : "",
                      fb->tmp.len);
    if (s == NULL)
        goto nomem;
    return fb_text(fb, s, strlen(s));
nomem:
    fb_fail(fb, SYN_ENOMEM, "out of memory");
    return NULL;
}

static void
read_authors(struct feed_builder *fb, json_t *item)
{
    json_t *list = json_object_get(item, "authors"), *a;
    size_t i;

    json_array_foreach(list, i, a)
    {
        fb_add_author(fb, jstr(fb, a, "name"));
    }
    a = json_object_get(item, "author");
    if (json_is_object(a)) {
        fb_add_author(fb, jstr(fb, a, "name"));
    }
}

static void
read_item(struct feed_builder *fb, json_t *o)
{
    struct feed_item *it;
    json_t *v, *list;
    size_t i;

    fb_item_begin(fb);
    if ((it = fb->cur) == NULL)
        return;
    v = json_object_get(o, "id");
    if (json_is_string(v)) {
        it->id = fb_text(fb, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        char num[32];
        int n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                         json_integer_value(v));

        if (n > 0) {
            it->id = fb_text(fb, num, (size_t)n);
        }
    }
    it->url = jurl(fb, o, "url");
    if (it->url == NULL) {
        it->url = jurl(fb, o, "external_url");
    }
    it->title = jstr(fb, o, "title");
    it->content_html = jstr(fb, o, "content_html");
    if (it->content_html == NULL) {
        it->content_html = jtext_html(fb, o, "content_text");
    }
    it->summary_html = jtext_html(fb, o, "summary");
    it->published = jtime(o, "date_published");
    it->updated = jtime(o, "date_modified");
    it->language = jlang(fb, o, "language");
    it->base_url = fb->doc_base;
    read_authors(fb, o);
    list = json_object_get(o, "tags");
    json_array_foreach(list, i, v)
    {
        if (json_is_string(v)) {
            fb_add_category(
                fb, fb_text(fb, json_string_value(v), json_string_length(v)));
        }
    }
    list = json_object_get(o, "attachments");
    json_array_foreach(list, i, v)
    {
        json_t *size = json_object_get(v, "size_in_bytes");

        fb_add_enclosure(fb, jurl(fb, v, "url"), jstr(fb, v, "mime_type"),
                         json_is_integer(size) && json_integer_value(size) >= 0
                             ? (int64_t)json_integer_value(size)
                             : -1);
    }
    fb_offer_image(fb, jurl(fb, o, "banner_image"), FB_IMAGE_MEDIA_CONTENT);
    fb_offer_image(fb, jurl(fb, o, "image"), FB_IMAGE_EXPLICIT);
    fb_item_end(fb);
}

enum syn_status
feed_read_json(struct feed_builder *fb, const char *buf, size_t len)
{
    json_error_t jerr;
    json_t *root, *items, *v;
    const char *version;
    struct feed *f = fb->f;
    size_t i;

    /* \u0000 is allowed (and dropped by fb_text) rather than refusing a
     * whole feed for one bad string */
    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (root == NULL)
        return fb_fail(fb, SYN_EPARSE, "JSON line %d: %s", jerr.line,
                       jerr.text);
    version = json_string_value(json_object_get(root, "version"));
    if (!json_is_object(root) || version == NULL ||
        strstr(version, "jsonfeed.org/version/") == NULL) {
        json_decref(root);
        return fb_fail(fb, SYN_EPARSE,
                       "not a JSON Feed (no jsonfeed.org "
                       "version)");
    }
    f->format = strstr(version, "version/1.1") != NULL ? FEED_FORMAT_JSON11
                                                       : FEED_FORMAT_JSON10;
    f->title = jstr(fb, root, "title");
    f->link = jurl(fb, root, "home_page_url");
    f->description = jstr(fb, root, "description");
    f->language = jlang(fb, root, "language");
    fb_offer_image(fb, jurl(fb, root, "favicon"), FB_IMAGE_ENCLOSURE);
    fb_offer_image(fb, jurl(fb, root, "icon"), FB_IMAGE_THUMBNAIL);
    read_authors(fb, root); /* the feed's: items without authors get them */
    items = json_object_get(root, "items");
    if (items != NULL && !json_is_array(items)) {
        fb_problem(fb, 0, "\"items\" is not an array");
    }
    json_array_foreach(items, i, v)
    {
        if (fb->status != SYN_OK)
            break;
        if (json_is_object(v)) {
            read_item(fb, v);
        } else {
            fb_problem(fb, 0, "items[%zu] is not an object", i);
        }
    }
    json_decref(root);
    return fb->status;
}
