/* HTML escaping (see escape.h). Copies runs of plain bytes in one append,
 * since most text has few characters to escape. */
#include "html/escape.h"

#include <stdint.h>

#include "util/utf8.h"

/* Code points that HTML5 makes a parse error when raw (controls but TAB,
 * LF, FF, CR; C1 controls; noncharacters): a browser or gumbo turns them
 * into U+FFFD or keeps them inconsistently, so they are dropped. */
static int
is_bad_code_point(uint32_t c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') ||
           (c >= 0x7F && c <= 0x9F) || (c >= 0xFDD0 && c <= 0xFDEF) ||
           (c & 0xFFFE) == 0xFFFE;
}

enum syn_status
html_escape_append(struct buf *b, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t start_len = b->len, i = 0, run = 0;
    enum syn_status st = SYN_OK;

    while (i < len && st == SYN_OK) {
        const char *rep;
        size_t skip = 1;

        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        case '\r':
            rep = "&#13;";
            break; /* raw, it would read as \n */
        default: {
            uint32_t c = u[i];

            if (c >= 0x20 && c < 0x7F) {
                i++;
                continue;
            }
            skip = c < 0x80 ? 1 : utf8_decode(s + i, len - i, &c);
            if (skip == 0) {
                rep = "\xEF\xBF\xBD"; /* invalid UTF-8: U+FFFD */
                skip = 1;
                break;
            }
            if (!is_bad_code_point(c)) {
                i += skip;
                continue;
            }
            rep = "";
            break;
        }
        }
        if (i > run) {
            st = buf_append(b, s + run, i - run);
        }
        if (st == SYN_OK && rep[0] != '\0') {
            st = buf_append_str(b, rep);
        }
        i += skip;
        run = i;
    }
    if (st == SYN_OK && len > run) {
        st = buf_append(b, s + run, len - run);
    }
    if (st != SYN_OK) {
        buf_truncate(b, start_len);
    }
    return st;
}
