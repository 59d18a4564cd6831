/* html_clean(): one parse, then the walks of walk.h (see clean.h). */
#include "html/clean.h"

#include "html/paths.h"
#include "html/walk.h"
#include "util/mem.h"
#include "util/url.h"

static void
clean_undo(const struct html_clean_out *out, const size_t start[4])
{
    struct buf *bufs[4] = {out->safe_html, out->excerpt_html, out->excerpt_text,
                           out->text};
    size_t i;

    for (i = 0; i < 4; i++) {
        if (bufs[i] != NULL) {
            buf_truncate(bufs[i], start[i]);
        }
    }
    if (out->image != NULL) {
        syn_free(*out->image);
        *out->image = NULL;
    }
}

enum syn_status
html_clean(const char *html, size_t len, const struct html_clean_opts *o,
           const struct html_clean_out *out, struct syn_err *err)
{
    return html_clean_with(html, len, o, out, HTML_PARSER_AUTO, NULL, err);
}

enum syn_status
html_clean_with(const char *html, size_t len, const struct html_clean_opts *o,
                const struct html_clean_out *out, enum html_parser parser,
                bool *fast_used, struct syn_err *err)
{
    /* The sanitizing walk also picks the image and counts for the HTML
     * excerpt: two walks less. */
    struct walk_plan plan = {0, 0, 0, false};
    bool planned = out->safe_html != NULL && o->html_words > 0 &&
                   (out->excerpt_html != NULL ||
                    (o->html_words == o->text_words && out->excerpt_text));
    struct walk_opts w = {WALK_SANITIZE,
                          o->base_url,
                          out->safe_html,
                          NULL,
                          html_excerpt_units(o->html_words),
                          planned ? &plan : NULL,
                          out->image};
    struct buf *bufs[4] = {out->safe_html, out->excerpt_html, out->excerpt_text,
                           out->text};
    struct html_doc *doc = NULL;
    size_t start[4], i;
    enum syn_status st;

    for (i = 0; i < 4; i++) {
        start[i] = bufs[i] != NULL ? bufs[i]->len : 0;
    }
    if (out->image != NULL) {
        *out->image = NULL;
    }
    st = html_doc_parse_with(html, len, o->valid_utf8, parser, &doc, fast_used,
                             err);
    if (st != SYN_OK)
        return st;
    if (out->safe_html != NULL) {
        st = html_doc_walk(doc, &w, err);
    }
    if (st == SYN_OK) {
        struct buf *ex_text =
            o->html_words == o->text_words ? out->excerpt_text : NULL;

        st = planned ? html_excerpt_doc_planned(doc, o->base_url, o->html_words,
                                                &plan, out->excerpt_html,
                                                ex_text, err)
                     : html_excerpt_doc(doc, o->base_url, o->html_words,
                                        out->excerpt_html, ex_text, err);
    }
    if (st == SYN_OK && o->html_words != o->text_words) {
        st = html_excerpt_doc(doc, o->base_url, o->text_words, NULL,
                              out->excerpt_text, err);
    }
    if (st == SYN_OK && out->text != NULL) {
        w.mode = WALK_TEXT;
        w.plan = NULL;
        w.html = NULL;
        w.text = out->text;
        st = html_doc_walk(doc, &w, err);
    }
    if (st == SYN_OK && out->image != NULL && out->safe_html == NULL) {
        w.mode = WALK_IMAGE;
        w.html = w.text = NULL;
        w.image = out->image;
        st = html_doc_walk(doc, &w, err);
    }
    if (st == SYN_OK && out->image != NULL && *out->image != NULL &&
        !url_is_http(*out->image)) {
        syn_free(*out->image);
        *out->image = NULL;
    }
    html_doc_free(doc);
    if (st != SYN_OK) {
        clean_undo(out, start);
    }
    return st;
}
