/* Store rows to template data (see view.h). */
#include "web/view.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/ascii.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/utf8.h"
#include "web/req.h"

static const char *const wdays[7] = {"Sun", "Mon", "Tue", "Wed",
                                     "Thu", "Fri", "Sat"};
static const char *const mon_short[12] = {"Jan", "Feb", "Mar", "Apr",
                                          "May", "Jun", "Jul", "Aug",
                                          "Sep", "Oct", "Nov", "Dec"};
static const char *const mon_long[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

const char *
web_date(int64_t t, enum web_date_fmt fmt, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    int n = -1;

    out[0] = '\0';
    if (t <= 0 || gmtime_r(&tt, &tm) == NULL || tm.tm_year > 8099)
        return out;
    switch (fmt) {
    case WEB_DATE_RFC3339:
        n = snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
        break;
    case WEB_DATE_RFC822:
        n = snprintf(out, cap, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                     wdays[tm.tm_wday], tm.tm_mday, mon_short[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
        break;
    case WEB_DATE_HUMAN:
        n = snprintf(out, cap, "%d %s %04d", tm.tm_mday, mon_long[tm.tm_mon],
                     tm.tm_year + 1900);
        break;
    case WEB_DATE_DAY:
        n = snprintf(out, cap, "%04d-%02d-%02d", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday);
        break;
    }
    if (n < 0 || (size_t)n >= cap) {
        out[0] = '\0';
    }
    return out;
}

#define SLUG_MAX 80

/* Code points that separate words in a slug besides ASCII ones: Latin-1
 * punctuation and symbols, general punctuation, CJK and fullwidth
 * punctuation, Arabic punctuation. Letters of any script are kept. */
static bool
slug_separator(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
           (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
           (cp >= 0xFF1A && cp <= 0xFF20) || cp == 0x060C || cp == 0x061B ||
           cp == 0x061F || (cp >= 0x066A && cp <= 0x066D) || cp == 0x06D4 ||
           cp == 0xFFFD || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200B;
}

char *
web_slug(struct arena *a, const char *title)
{
    char *s = arena_alloc(a, SLUG_MAX + 1);
    size_t n = 0, len = title != NULL ? strlen(title) : 0, i = 0;
    bool dash = false;

    if (s == NULL)
        return NULL;
    while (i < len) {
        unsigned char c = (unsigned char)title[i];
        uint32_t cp;
        size_t k;

        if (c < 0x80) {
            i++;
            if (ascii_isalnum(c)) {
                if (dash && n > 0 && n + 2 > SLUG_MAX)
                    break;
                if (dash && n > 0) {
                    s[n++] = '-';
                }
                if (n + 1 > SLUG_MAX)
                    break;
                dash = false;
                s[n++] = (char)ascii_tolower(c);
            } else if (c != '\'') {
                dash = true;
            }
            continue;
        }
        k = utf8_decode(title + i, len - i, &cp);
        if (k == 0) {
            k = 1;
        }
        if (slug_separator(cp)) {
            dash = true;
        } else {
            if (n + (dash && n > 0 ? 1 : 0) + k > SLUG_MAX)
                break; /* NOTE: truncates at a code point, SLUG_MAX */
            if (dash && n > 0) {
                s[n++] = '-';
            }
            dash = false;
            memcpy(s + n, title + i, k);
            n += k;
        }
        i += k;
    }
    if (n == 0)
        return arena_strdup(a, "story");
    s[n] = '\0';
    return s;
}

char *
web_article_path(struct arena *a, int64_t id, const char *title)
{
    const char *slug = web_slug(a, title);
    struct buf b;
    char *out = NULL;

    if (slug == NULL)
        return NULL;
    buf_init(&b, 64 + 3 * SLUG_MAX);
    if (buf_printf(&b, "/a/%lld/", (long long)id) == SYN_OK &&
        web_url_encode(&b, slug) == SYN_OK) {
        out = arena_strndup(a, b.data, b.len);
    }
    buf_fini(&b);
    return out;
}

bool
web_is_rtl(const char *lang, const char *sample)
{
    static const char *const rtl[] = {"ar", "he", "iw", "fa", "ur", "ps",
                                      "sd", "ug", "dv", "yi", "ckb"};
    size_t i, rtl_letters = 0, letters = 0, len;

    if (lang != NULL && lang[0] != '\0') {
        for (i = 0; i < SYN_ARRAY_LEN(rtl); i++) {
            size_t n = strlen(rtl[i]);

            if (str_ncasecmp(lang, rtl[i], n) == 0 &&
                (lang[n] == '\0' || lang[n] == '-' || lang[n] == '_'))
                return true;
        }
        return false;
    }
    if (sample == NULL)
        return false;
    len = strlen(sample);
    for (i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(sample + i, len - i, &cp);

        if (k == 0) {
            k = 1;
        }
        i += k;
        if ((cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
            (cp >= 0xFE70 && cp <= 0xFEFF)) {
            rtl_letters++;
            letters++;
        } else if (ascii_isalpha((int)cp) || cp >= 0x00C0) {
            letters++;
        }
    }
    return letters > 0 && rtl_letters * 2 > letters;
}

enum syn_status
web_url_encode(struct buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    enum syn_status st = SYN_OK;

    for (; s != NULL && *s != '\0' && st == SYN_OK; s++) {
        unsigned char c = (unsigned char)*s;

        if (ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            st = buf_append_char(out, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};

            st = buf_append(out, e, 3);
        }
    }
    return st;
}

char *
web_snippet_html(struct arena *a, const char *snippet)
{
    struct buf b;
    const char *p = snippet;
    enum syn_status st = SYN_OK;
    char *out;

    buf_init(&b, 64 * 1024);
    while (p != NULL && *p != '\0' && st == SYN_OK) {
        size_t n = strcspn(p, STORE_MARK_OPEN STORE_MARK_CLOSE);

        st = tpl_escape_html(&b, p, n);
        p += n;
        if (st == SYN_OK && *p == STORE_MARK_OPEN[0]) {
            st = buf_append_str(&b, "<mark>");
        } else if (st == SYN_OK && *p == STORE_MARK_CLOSE[0]) {
            st = buf_append_str(&b, "</mark>");
        }
        if (*p != '\0') {
            p++;
        }
    }
    out = st == SYN_OK ? arena_strndup(a, b.data != NULL ? b.data : "", b.len)
                       : NULL;
    buf_fini(&b);
    return out;
}

const char *
web_source_name(struct arena *a, const struct store_source *src)
{
    const char *u, *h, *e;

    if (src->title != NULL && src->title[0] != '\0')
        return src->title;
    u = src->site_url != NULL ? src->site_url : src->url;
    if (u == NULL)
        return "source";
    h = strstr(u, "://");
    h = h != NULL ? h + 3 : u;
    e = h + strcspn(h, "/?#:");
    return arena_strndup(a, h, (size_t)(e - h));
}

/* Authors are stored as a JSON array of strings. */
static void
authors_tree(struct tpl_tree *t, struct tpl_val *map, const char *json)
{
    json_t *root;
    json_error_t jerr;
    struct tpl_val *list;
    size_t i;

    if (json == NULL || json[0] == '\0')
        return;
    root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return;
    if (json_is_array(root) && json_array_size(root) > 0) {
        list = tpl_set_list(t, map, "authors");
        for (i = 0; i < json_array_size(root); i++) {
            const char *s = json_string_value(json_array_get(root, i));

            if (s != NULL && s[0] != '\0') {
                tpl_list_add_str(t, list, s);
            }
        }
    }
    json_decref(root);
}

void
web_item_tree(struct web_req *req, struct tpl_tree *t, struct tpl_val *map,
              const struct store_item *it, const struct store_source *src)
{
    char d[64], path[64];
    struct tpl_val *s;
    const char *slug = web_slug(&req->arena, it->title);
    const char *apath = web_article_path(&req->arena, it->id, it->title);
    int64_t upd;
    bool rtl;

    if (slug == NULL || apath == NULL) {
        t->failed = true;
        return;
    }
    tpl_set_long(t, map, "id", (long)it->id);
    tpl_set_str(t, map, "title",
                it->title != NULL && it->title[0] != '\0' ? it->title
                                                          : "(untitled)");
    tpl_set_str(t, map, "url", it->url);
    tpl_set_str(t, map, "slug", slug);
    tpl_set_str(t, map, "article_url", apath);
    tpl_set_str(t, map, "page_url", web_abs_url(req, apath));
    if (it->published > 0) {
        tpl_set_str(t, map, "published_iso",
                    web_date(it->published, WEB_DATE_RFC3339, d, sizeof(d)));
        tpl_set_str(t, map, "published_human",
                    web_date(it->published, WEB_DATE_HUMAN, d, sizeof(d)));
        tpl_set_str(t, map, "published_rfc822",
                    web_date(it->published, WEB_DATE_RFC822, d, sizeof(d)));
    }
    upd = it->updated > 0     ? it->updated
          : it->published > 0 ? it->published
                              : it->ingested;
    tpl_set_str(t, map, "updated_iso",
                web_date(upd, WEB_DATE_RFC3339, d, sizeof(d)));
    authors_tree(t, map, it->authors);
    tpl_set_str(t, map, "image", it->image);
    tpl_set_str(t, map, "excerpt_html", it->excerpt_html);
    tpl_set_str(t, map, "summary", it->excerpt_text);
    tpl_set_str(t, map, "lang", it->language);
    rtl = web_is_rtl(it->language, it->title);
    tpl_set_bool(t, map, "rtl", rtl);
    s = tpl_set_map(t, map, "source");
    SYN_IGNORE(
        snprintf(path, sizeof(path), "/s/%lld", (long long)it->source_id) < 0);
    tpl_set_long(t, s, "id", (long)it->source_id);
    tpl_set_str(t, s, "page_url", path);
    if (src != NULL) {
        tpl_set_str(t, s, "name", web_source_name(&req->arena, src));
        tpl_set_str(t, s, "site_url",
                    src->site_url != NULL ? src->site_url : src->url);
        tpl_set_str(t, s, "feed_url", src->url);
        tpl_set_bool(t, s, "partner", src->partner_id != 0);
    } else {
        struct store_source fake;

        memset(&fake, 0, sizeof(fake));
        fake.title = it->source_title;
        fake.site_url = it->source_site_url;
        fake.url = it->url;
        tpl_set_str(t, s, "name", web_source_name(&req->arena, &fake));
        tpl_set_str(t, s, "site_url",
                    it->source_site_url != NULL ? it->source_site_url
                                                : it->url);
        tpl_set_str(t, s, "feed_url", web_abs_url(req, path));
    }
}

char *
web_item_jsonld(struct web_req *req, const struct store_item *it,
                const char *source_name)
{
    json_t *o = json_object(), *authors = NULL;
    json_error_t jerr;
    char d[64], *dump = NULL, *out = NULL;
    struct buf b;
    const char *p;

    if (o == NULL)
        return NULL;
    json_object_set_new(o, "@context", json_string("https://schema.org"));
    json_object_set_new(o, "@type", json_string("NewsArticle"));
    if (it->title != NULL) {
        json_object_set_new(o, "headline", json_string(it->title));
    }
    if (it->url != NULL) {
        json_object_set_new(o, "url", json_string(it->url));
        json_object_set_new(o, "mainEntityOfPage", json_string(it->url));
    }
    if (it->published > 0) {
        json_object_set_new(
            o, "datePublished",
            json_string(
                web_date(it->published, WEB_DATE_RFC3339, d, sizeof(d))));
    }
    if (it->updated > 0) {
        json_object_set_new(
            o, "dateModified",
            json_string(web_date(it->updated, WEB_DATE_RFC3339, d, sizeof(d))));
    }
    if (it->image != NULL) {
        json_object_set_new(o, "image", json_string(it->image));
    }
    if (it->excerpt_text != NULL) {
        json_object_set_new(o, "description", json_string(it->excerpt_text));
    }
    if (it->language != NULL) {
        json_object_set_new(o, "inLanguage", json_string(it->language));
    }
    if (it->authors != NULL &&
        (authors = json_loads(it->authors, 0, &jerr)) != NULL &&
        json_is_array(authors)) {
        json_t *list = json_array();
        size_t i;

        for (i = 0; list != NULL && i < json_array_size(authors); i++) {
            const char *name = json_string_value(json_array_get(authors, i));
            json_t *a;

            if (name == NULL)
                continue;
            a = json_pack("{s:s, s:s}", "@type", "Person", "name", name);
            if (a != NULL) {
                json_array_append_new(list, a);
            }
        }
        if (list != NULL) {
            json_object_set_new(o, "author", list);
        }
    }
    json_decref(authors);
    if (source_name != NULL) {
        json_object_set_new(o, "publisher",
                            json_pack("{s:s, s:s}", "@type", "Organization",
                                      "name", source_name));
    }
    dump = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (dump == NULL)
        return NULL;
    buf_init(&b, 1024 * 1024);
    for (p = dump; *p != '\0'; p++) {
        enum syn_status st;

        if (*p == '<') {
            st = buf_append_str(&b, "\\u003c");
        } else if (*p == '>') {
            st = buf_append_str(&b, "\\u003e");
        } else if (*p == '&') {
            st = buf_append_str(&b, "\\u0026");
        } else {
            st = buf_append_char(&b, *p);
        }
        if (st != SYN_OK)
            goto out;
    }
    out = arena_strndup(&req->arena, b.data != NULL ? b.data : "", b.len);
out:
    buf_fini(&b);
    free(dump); /* allocated by jansson's allocator (malloc) */
    return out;
}
