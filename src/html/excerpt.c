/* Excerpts (see excerpt.h): a WALK_COUNT pass (or the sanitizing walk,
 * counting as well) finds where paragraphs and sentences end, in units
 * (walk.h), then a WALK_EXCERPT pass over the same tree writes up to the
 * chosen cut. */
#include "html/excerpt.h"

#include <stdint.h>

#include "html/walk.h"

/* Where to cut, in units, for a text of plan->total units and a budget. */
static size_t
excerpt_cut(const struct walk_plan *plan, size_t budget)
{
    if (plan->total <= budget)
        return SIZE_MAX;
    if (plan->best_block * 2 >= budget)
        return plan->best_block;
    if (plan->best_sentence * 3 >= budget)
        return plan->best_sentence;
    if (plan->best_block * 3 >= budget)
        return plan->best_block;
    return budget;
}

size_t
html_excerpt_units(size_t max_words)
{
    return (max_words > SIZE_MAX / 4 ? SIZE_MAX / 4 : max_words) * 2;
}

enum syn_status
html_excerpt_doc_planned(const struct html_doc *doc, const char *base_url,
                         size_t max_words, const struct walk_plan *plan,
                         struct buf *out_html, struct buf *out_text,
                         struct syn_err *err)
{
    struct walk_plan last = *plan; /* EXCERPT sets last_is_sentence */
    struct walk_opts o = {WALK_EXCERPT, base_url, out_html, out_text, 0,
                          &last,        NULL};
    size_t html_start = out_html != NULL ? out_html->len : 0;
    size_t text_start = out_text != NULL ? out_text->len : 0;
    enum syn_status st;

    if (max_words == 0 || (out_html == NULL && out_text == NULL))
        return SYN_OK;
    o.limit_units = excerpt_cut(plan, html_excerpt_units(max_words));
    st = html_doc_walk(doc, &o, err);
    if (st != SYN_OK) {
        if (out_html != NULL) {
            buf_truncate(out_html, html_start);
        }
        if (out_text != NULL) {
            buf_truncate(out_text, text_start);
        }
    }
    return st;
}

enum syn_status
html_excerpt_doc(const struct html_doc *doc, const char *base_url,
                 size_t max_words, struct buf *out_html, struct buf *out_text,
                 struct syn_err *err)
{
    struct walk_plan plan = {0, 0, 0, false};
    struct walk_opts o = {WALK_COUNT, base_url, NULL, NULL, 0, &plan, NULL};
    enum syn_status st;

    if (max_words == 0 || (out_html == NULL && out_text == NULL))
        return SYN_OK;
    o.limit_units = html_excerpt_units(max_words);
    st = html_doc_walk(doc, &o, err);
    if (st != SYN_OK)
        return st;
    return html_excerpt_doc_planned(doc, base_url, max_words, &plan, out_html,
                                    out_text, err);
}

enum syn_status
html_excerpt(const char *html, size_t len, size_t max_words,
             struct buf *out_html, struct buf *out_text, struct syn_err *err)
{
    struct html_doc *doc = NULL;
    enum syn_status st;

    if (max_words == 0 || (out_html == NULL && out_text == NULL))
        return SYN_OK;
    st = html_doc_parse(html, len, &doc, err);
    if (st != SYN_OK)
        return st;
    st = html_excerpt_doc(doc, NULL, max_words, out_html, out_text, err);
    html_doc_free(doc);
    return st;
}
