/* html_sanitize(): one parse, one WALK_SANITIZE walk (see walk.h). */
#include "html/sanitize.h"

#include "html/walk.h"

enum syn_status
html_sanitize(const char *html, size_t len, const char *base_url,
              struct buf *out, struct syn_err *err)
{
    struct walk_opts o = {WALK_SANITIZE, base_url, out, NULL, 0, NULL, NULL};
    struct html_doc *doc = NULL;
    size_t start = out->len;
    enum syn_status st;

    st = html_doc_parse(html, len, &doc, err);
    if (st != SYN_OK)
        return st;
    st = html_doc_walk(doc, &o, err);
    html_doc_free(doc);
    if (st != SYN_OK)
        buf_truncate(out, start);
    return st;
}
