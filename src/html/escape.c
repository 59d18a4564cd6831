/* HTML escaping (see escape.h). Copies runs of plain bytes in one append,
 * since most text has few characters to escape. */
#include "html/escape.h"

/* Bytes at s[i..len) that start a code point HTML5 calls a parse error
 * when raw (controls, noncharacters): their length, else 0. A browser
 * or gumbo would turn them into U+FFFD, so they are dropped instead. */
static size_t
bad_code_point(const unsigned char *s, size_t i, size_t len)
{
    unsigned char c = s[i];

    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') ||
        c == 0x7F)
        return 1;
    if (c == 0xC2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F)
        return 2; /* C1 controls */
    if (c == 0xEF && i + 2 < len &&
        ((s[i + 1] == 0xB7 && s[i + 2] >= 0x90 && s[i + 2] <= 0xAF) ||
         (s[i + 1] == 0xBF && s[i + 2] >= 0xBE)))
        return 3; /* U+FDD0..U+FDEF, U+FFFE, U+FFFF */
    if (c >= 0xF0 && c <= 0xF4 && i + 3 < len && (s[i + 1] & 0x0F) == 0x0F &&
        s[i + 2] == 0xBF && s[i + 3] >= 0xBE)
        return 4; /* U+1FFFE, U+1FFFF, ... U+10FFFF */
    return 0;
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
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\r': rep = "&#13;"; break; /* raw, it would read as \n */
        default:
            if (u[i] >= 0x20 && u[i] < 0x7F) {
                i++;
                continue;
            }
            skip = bad_code_point(u, i, len);
            if (skip == 0) {
                i++;
                continue;
            }
            rep = "";
            break;
        }
        if (i > run)
            st = buf_append(b, s + run, i - run);
        if (st == SYN_OK && rep[0] != '\0')
            st = buf_append_str(b, rep);
        i += skip;
        run = i;
    }
    if (st == SYN_OK && len > run)
        st = buf_append(b, s + run, len - run);
    if (st != SYN_OK)
        buf_truncate(b, start_len);
    return st;
}
