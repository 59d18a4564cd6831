/* HTML escaping (see escape.h). Copies runs of plain bytes in one append,
 * since most text has few characters to escape. */
#include "html/escape.h"

enum syn_status
html_escape_append(struct buf *b, const char *s, size_t len)
{
    size_t start_len = b->len, i, run = 0;
    enum syn_status st = SYN_OK;

    for (i = 0; i < len && st == SYN_OK; i++) {
        const char *rep;

        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\0': rep = ""; break;
        default: continue;
        }
        if (i > run)
            st = buf_append(b, s + run, i - run);
        if (st == SYN_OK)
            st = buf_append_str(b, rep);
        run = i + 1;
    }
    if (st == SYN_OK && len > run)
        st = buf_append(b, s + run, len - run);
    if (st != SYN_OK)
        buf_truncate(b, start_len);
    return st;
}
