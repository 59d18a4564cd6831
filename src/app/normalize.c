/* Cleaning one parsed item for publication (see normalize.h). The body
 * (content, else summary) is parsed once by html_clean() for its safe
 * form, excerpts, text and lead image; the summary, when it is not the
 * body, only needs sanitizing. */
#include "app/normalize.h"

#include <string.h>

#include "html/clean.h"
#include "html/sanitize.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"

/* Bytes reserved for each excerpt before cleaning a body. */
#define NORMALIZE_EXCERPT_RESERVE 1024u

/* b's contents as an arena string of f, or NULL for an empty b; *oom is
 * set when the copy fails. */
static const char *
arena_copy(struct feed *f, const struct buf *b, bool *oom)
{
    char *copy;

    if (b->len == 0)
        return NULL;
    copy = arena_strndup(&f->arena, buf_cstr(b), b->len);
    if (copy == NULL) {
        *oom = true;
    }
    return copy;
}

enum syn_status
normalize_item(struct feed *f, struct feed_item *it,
               const struct normalize_opts *o, const char **text,
               struct syn_err *err)
{
    /* the model's strings are valid UTF-8 (item.h) */
    struct html_clean_opts copts = {it->base_url, o->html_words, o->text_words,
                                    true};
    struct buf safe, ex_html, ex_text, plain;
    struct html_clean_out out = {&safe, &ex_html, &ex_text,
                                 text != NULL ? &plain : NULL, NULL};
    const char **body = it->content_html != NULL ? &it->content_html
                                                 : &it->summary_html;
    size_t body_len = *body != NULL ? strlen(*body) : 0;
    char *image = NULL;
    enum syn_status st = SYN_OK;
    bool oom = false;

    buf_init(&safe, 4u * SYN_MAX_FIELD_BYTES);
    buf_init(&ex_html, 4u * SYN_MAX_FIELD_BYTES);
    buf_init(&ex_text, 4u * SYN_MAX_FIELD_BYTES);
    buf_init(&plain, 4u * SYN_MAX_FIELD_BYTES);
    if (it->image == NULL) {
        out.image = &image;
    }
    if (text != NULL) {
        *text = "";
    }
    it->excerpt_html = it->excerpt_text = NULL;
    /* the outputs in one allocation each, not grown from 64 bytes by
     * doubling (six reallocations of the safe body, three of each
     * excerpt): the safe body (and summary) is about as long as the body,
     * excerpts of a few dozen words fit in 1 KB */
    if (*body != NULL &&
        ((st = buf_reserve(&safe, body_len)) != SYN_OK ||
         (st = buf_reserve(&ex_html, NORMALIZE_EXCERPT_RESERVE)) != SYN_OK ||
         (st = buf_reserve(&ex_text, NORMALIZE_EXCERPT_RESERVE)) != SYN_OK)) {
        syn_err_set(err, st, "%s", syn_strerror(st));
        goto out;
    }
    if (body == &it->content_html && it->summary_html != NULL) {
        st = html_sanitize(it->summary_html, strlen(it->summary_html),
                           it->base_url, &safe, err);
        if (st != SYN_OK)
            goto out;
        it->summary_html = arena_copy(f, &safe, &oom);
        buf_reset(&safe);
    }
    if (*body != NULL) {
        st = html_clean(*body, body_len, &copts, &out, err);
        if (st != SYN_OK)
            goto out;
        *body = arena_copy(f, &safe, &oom);
    }
    /* Content that sanitizes to nothing leaves the summary as the body. */
    if (*body == NULL && body == &it->content_html &&
        it->summary_html != NULL) {
        buf_reset(&ex_html);
        buf_reset(&ex_text);
        buf_reset(&plain);
        syn_free(image);
        image = NULL;
        out.safe_html = NULL;
        st = html_clean(it->summary_html, strlen(it->summary_html), &copts,
                        &out, err);
        if (st != SYN_OK)
            goto out;
    }
    it->excerpt_html = arena_copy(f, &ex_html, &oom);
    it->excerpt_text = arena_copy(f, &ex_text, &oom);
    if (image != NULL) {
        it->image = arena_strdup(&f->arena, image);
    }
    if (image != NULL && it->image == NULL) {
        oom = true;
    }
    if (text != NULL && plain.len > 0) {
        *text = arena_copy(f, &plain, &oom);
    }
    if (oom) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
out:
    syn_free(image);
    buf_fini(&safe);
    buf_fini(&ex_html);
    buf_fini(&ex_text);
    buf_fini(&plain);
    return st;
}
