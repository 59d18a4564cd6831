/* Cleaning one parsed item for publication (see normalize.h). */
#include "app/normalize.h"

#include <string.h>

#include "html/excerpt.h"
#include "html/image.h"
#include "html/sanitize.h"
#include "html/text.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"

/* Replace *field by its sanitized form (arena copy); NULL stays NULL. */
static enum syn_status
clean_field(struct feed *f, const char **field, const char *base,
            struct buf *b, struct syn_err *err)
{
    enum syn_status st;
    char *copy;

    if (*field == NULL)
        return SYN_OK;
    buf_reset(b);
    st = html_sanitize(*field, strlen(*field), base, b, err);
    if (st != SYN_OK)
        return st;
    /* An item whose HTML sanitizes to nothing has no such field. */
    if (b->len == 0) {
        *field = NULL;
        return SYN_OK;
    }
    copy = arena_strndup(&f->arena, buf_cstr(b), b->len);
    if (copy == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    *field = copy;
    return SYN_OK;
}

static const char *
arena_copy_buf(struct feed *f, const struct buf *b)
{
    return b->len > 0 ? arena_strndup(&f->arena, buf_cstr(b), b->len) : "";
}

enum syn_status
normalize_item(struct feed *f, struct feed_item *it,
               const struct normalize_opts *o, const char **text,
               struct syn_err *err)
{
    struct buf html, plain;
    const char *body;
    char *image = NULL;
    enum syn_status st;

    buf_init(&html, 4u * SYN_MAX_FIELD_BYTES);
    buf_init(&plain, 4u * SYN_MAX_FIELD_BYTES);
    st = clean_field(f, &it->summary_html, it->base_url, &html, err);
    if (st == SYN_OK)
        st = clean_field(f, &it->content_html, it->base_url, &html, err);
    if (st != SYN_OK)
        goto out;
    /* The fuller text makes the better excerpt and search entry. */
    body = it->content_html != NULL ? it->content_html : it->summary_html;
    if (body == NULL)
        body = "";
    buf_reset(&html);
    st = html_excerpt(body, strlen(body), o->html_words, &html, NULL, err);
    if (st == SYN_OK)
        st = html_excerpt(body, strlen(body), o->text_words, NULL, &plain,
                          err);
    if (st != SYN_OK)
        goto out;
    it->excerpt_html = html.len > 0 ? arena_copy_buf(f, &html) : NULL;
    it->excerpt_text = plain.len > 0 ? arena_copy_buf(f, &plain) : NULL;
    if ((html.len > 0 && it->excerpt_html == NULL) ||
        (plain.len > 0 && it->excerpt_text == NULL)) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto out;
    }
    if (it->image == NULL) {
        st = html_lead_image(body, strlen(body), NULL, it->base_url, &image,
                             err);
        if (st != SYN_OK)
            goto out;
        if (image != NULL) {
            it->image = arena_strdup(&f->arena, image);
            if (it->image == NULL) {
                st = syn_err_set(err, SYN_ENOMEM, "out of memory");
                goto out;
            }
        }
    }
    if (text != NULL) {
        buf_reset(&plain);
        st = html_text(body, strlen(body), &plain, err);
        if (st != SYN_OK)
            goto out;
        *text = arena_copy_buf(f, &plain);
        if (*text == NULL)
            st = syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
out:
    syn_free(image);
    buf_fini(&html);
    buf_fini(&plain);
    return st;
}
