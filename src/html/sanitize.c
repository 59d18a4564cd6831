/* html_sanitize(): one parse, one WALK_SANITIZE walk (see walk.h). */
#include "html/sanitize.h"

#include <stdbool.h>

#include <string.h>

#include "html/escape.h"
#include "html/paths.h"
#include "html/walk.h"
#include "util/limits.h"
#include "util/utf8.h"

/* Plain text (half of real feed summaries): no markup, no character
 * reference, no CR or NUL for the parser to rewrite, valid UTF-8. Its safe
 * form is its escaped self, which is what the parse and walk would write. */
static bool
is_plain_text(const char *s, size_t len)
{
    return memchr(s, '<', len) == NULL && memchr(s, '&', len) == NULL &&
           memchr(s, '\r', len) == NULL && memchr(s, '\0', len) == NULL &&
           utf8_valid(s, len);
}

enum syn_status
html_sanitize(const char *html, size_t len, const char *base_url,
              struct buf *out, struct syn_err *err)
{
    return html_sanitize_with(html, len, base_url, out, HTML_PARSER_AUTO, NULL,
                              err);
}

enum syn_status
html_sanitize_with(const char *html, size_t len, const char *base_url,
                   struct buf *out, enum html_parser parser, bool *fast_used,
                   struct syn_err *err)
{
    struct walk_opts o = {WALK_SANITIZE, base_url, out, NULL, 0, NULL, NULL};
    struct html_doc *doc = NULL;
    size_t start = out->len;
    enum syn_status st;

    if (fast_used != NULL) {
        *fast_used = false;
    }
    if (parser == HTML_PARSER_AUTO && len <= SYN_MAX_HTML_BYTES &&
        is_plain_text(html, len)) {
        st = html_escape_append(out, html, len);
        if (st != SYN_OK)
            return syn_err_set(err, st,
                               st == SYN_ENOMEM
                                   ? "out of memory"
                                   : "HTML output past its size limit");
        return SYN_OK;
    }
    st = html_doc_parse_with(html, len, false, parser, &doc, fast_used, err);
    if (st != SYN_OK)
        return st;
    st = html_doc_walk(doc, &o, err);
    html_doc_free(doc);
    if (st != SYN_OK) {
        buf_truncate(out, start);
    }
    return st;
}
