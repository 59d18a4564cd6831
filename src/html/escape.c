/* HTML escaping (see escape.h). Most text has few characters to escape:
 * runs of bytes that are copied as they are (printable ASCII, valid UTF-8
 * that is not a bad code point) are found with a table and one inline
 * decode per non-ASCII character, then appended with one copy. It was the
 * hottest function of the full `syndic parse` when it looked at each byte
 * through a switch and called the out-of-line decoder. */
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

/* What happens to each byte: copied (1), replaced by a reference (2),
 * dropped (3, a bad ASCII code point), or decoded (0, >= 0x80). */
enum { ESC_UTF8, ESC_COPY, ESC_REF, ESC_DROP };

#define C4(x) x, x, x, x
#define C16(x) C4(x), C4(x), C4(x), C4(x)

/* The ASCII half of both tables: controls dropped but TAB, LF, FF
 * copied and CR referenced; " & ' < > referenced; DEL dropped. */
#define ESC_ASCII                                                              \
    C4(ESC_DROP), C4(ESC_DROP), ESC_DROP, ESC_COPY, ESC_COPY, ESC_DROP,        \
        ESC_COPY, ESC_REF, ESC_DROP, ESC_DROP, C16(ESC_DROP), /* 0x00 */       \
        ESC_COPY, ESC_COPY, ESC_REF, ESC_COPY, ESC_COPY, ESC_COPY, ESC_REF,    \
        ESC_REF, C4(ESC_COPY), C4(ESC_COPY), /* 0x20 */                        \
        C4(ESC_COPY), C4(ESC_COPY), C4(ESC_COPY), ESC_REF, ESC_COPY, ESC_REF,  \
        ESC_COPY, /* 0x30 */                                                   \
        C16(ESC_COPY), C16(ESC_COPY), C16(ESC_COPY), C4(ESC_COPY),             \
        C4(ESC_COPY), C4(ESC_COPY), ESC_COPY, ESC_COPY, ESC_COPY,              \
        ESC_DROP /* 0x40-0x7F */

/* Bytes >= 0x80 decoded (zero). */
static const unsigned char esc_class[256] = {ESC_ASCII};

/* esc_class for text known to be valid UTF-8 without bad code points:
 * the same for ASCII, and every byte >= 0x80 copied undecoded. */
static const unsigned char esc_class_valid[256] = {
    ESC_ASCII,
    C16(ESC_COPY), C16(ESC_COPY), C16(ESC_COPY), C16(ESC_COPY),
    C16(ESC_COPY), C16(ESC_COPY), C16(ESC_COPY), C16(ESC_COPY),
};

/* The reference written for an ESC_REF byte. */
static const char *
esc_ref(unsigned char c, size_t *len /* out */)
{
    switch (c) {
    case '&':
        *len = 5;
        return "&amp;";
    case '<':
        *len = 4;
        return "&lt;";
    case '>':
        *len = 4;
        return "&gt;";
    case '"':
        *len = 6;
        return "&quot;";
    case '\'':
        *len = 5;
        return "&#39;";
    default:
        *len = 5;
        return "&#13;"; /* CR: raw, it would read as \n */
    }
}

/* The run loop of both escapes: cls is esc_class or esc_class_valid. */
static enum syn_status
escape_runs(struct buf *b, const char *s, size_t len,
            const unsigned char cls_of[256])
{
    const unsigned char *u = (const unsigned char *)s;
    size_t start_len = b->len, i = 0, run = 0;
    enum syn_status st = SYN_OK;

    while (i < len && st == SYN_OK) {
        const char *rep = "";
        size_t skip = 1, rep_len = 0;
        unsigned char cls;

        while (i < len && cls_of[u[i]] == ESC_COPY) {
            i++;
        }
        if (i == len)
            break;
        cls = cls_of[u[i]];
        if (cls == ESC_UTF8) {
            uint32_t c;

            skip = utf8_decode_fast(s + i, len - i, &c);
            if (skip != 0 && !is_bad_code_point(c)) {
                i += skip;
                continue;
            }
            if (skip == 0) {
                rep = "\xEF\xBF\xBD"; /* invalid UTF-8: U+FFFD */
                rep_len = 3;
                skip = 1;
            }
        } else if (cls == ESC_REF) {
            rep = esc_ref(u[i], &rep_len);
        }
        if (i > run) {
            st = buf_append(b, s + run, i - run);
        }
        if (st == SYN_OK && rep_len > 0) {
            st = buf_append(b, rep, rep_len);
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

enum syn_status
html_escape_append(struct buf *b, const char *s, size_t len)
{
    return escape_runs(b, s, len, esc_class);
}

enum syn_status
html_escape_valid_append(struct buf *b, const char *s, size_t len)
{
    return escape_runs(b, s, len, esc_class_valid);
}
