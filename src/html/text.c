/* html_text(): one parse, one WALK_TEXT walk (see walk.h). */
#include "html/text.h"

#include "html/walk.h"

enum syn_status
html_text(const char *html, size_t len, struct buf *out, struct syn_err *err)
{
    struct walk_opts o = {WALK_TEXT, NULL, NULL, out, 0, NULL, NULL};
    struct html_doc *doc = NULL;
    size_t start = out->len;
    enum syn_status st;

    st = html_doc_parse(html, len, &doc, err);
    if (st != SYN_OK)
        return st;
    st = html_doc_walk(doc, &o, err);
    html_doc_free(doc);
    if (st != SYN_OK) {
        buf_truncate(out, start);
    }
    return st;
}
