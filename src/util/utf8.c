/* UTF-8 validation and repair (see utf8.h; RFC 3629 section 4). */
#include "util/utf8.h"

#include <string.h>

size_t
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t c = p[0], min;
    size_t n, i;

    *cp = 0xFFFD;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        c &= 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        c &= 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        c &= 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

size_t
utf8_encode(uint32_t cp, char out[4])
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        cp = 0xFFFD;
    }
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool
utf8_valid(const char *s, size_t len)
{
    uint32_t cp;
    size_t i = 0, n;

    while (i < len) {
        uint64_t w;

        /* Mail bodies and pages are mostly ASCII: skip it 8 bytes at a
         * time (measured: the check was 3% of `digest send`). */
        if (len - i >= 8) {
            memcpy(&w, s + i, 8);
            if ((w & UINT64_C(0x8080808080808080)) == 0) {
                i += 8;
                continue;
            }
        }
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        n = utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* windows-1252 0x80..0x9F; the five undefined bytes map to C1 controls as
 * browsers do. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

uint32_t
cp1252_char(unsigned char c)
{
    return c >= 0x80 && c < 0xA0 ? cp1252_high[c - 0x80] : c;
}

bool
utf8_has_c1(const char *s, size_t len)
{
    const char *p = s, *end = s + len;

    /* U+0080..U+009F are C2 80..C2 9F */
    while ((p = memchr(p, 0xC2, (size_t)(end - p))) != NULL) {
        if (end - p >= 2 && (unsigned char)p[1] >= 0x80 &&
            (unsigned char)p[1] < 0xA0)
            return true;
        p++;
    }
    return false;
}

/* utf8_append_valid(), and with c1 the C1 mapping of utf8_append_text(). */
static enum syn_status
append_repaired(struct buf *b, const char *s, size_t len, bool c1)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    size_t start = b->len, i = 0, run = 0, n;
    enum syn_status st = SYN_OK;
    uint32_t cp;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];

        if (c != 0 && c < 0x80) {
            i++;
            continue;
        }
        n = c == 0 ? 0 : utf8_decode(s + i, len - i, &cp);
        if (n > 0 && !(c1 && cp >= 0x80 && cp < 0xA0)) {
            i += n;
            continue;
        }
        st = buf_append(b, s + run, i - run);
        if (st == SYN_OK && n > 0) {
            char u[4];

            st = buf_append(b, u,
                            utf8_encode(cp1252_char((unsigned char)cp), u));
        } else if (st == SYN_OK && c != 0) {
            st = buf_append(b, replacement, 3);
        }
        if (st != SYN_OK)
            goto fail;
        i += n > 0 ? n : 1;
        run = i;
    }
    st = buf_append(b, s + run, len - run);
    if (st == SYN_OK)
        return SYN_OK;
fail:
    buf_truncate(b, start);
    return st;
}

enum syn_status
utf8_append_valid(struct buf *b, const char *s, size_t len)
{
    return append_repaired(b, s, len, false);
}

enum syn_status
utf8_append_text(struct buf *b, const char *s, size_t len)
{
    return append_repaired(b, s, len, true);
}

size_t
utf8_boundary(const char *s, size_t len)
{
    size_t i = len, back = 0;
    uint32_t cp;

    while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
        i--;
        back++;
    }
    if (i == 0)
        return len;
    if ((unsigned char)s[i - 1] >= 0xC0) {
        i--;
        if (utf8_decode(s + i, len - i, &cp) == len - i)
            return len;
        return i;
    }
    return len;
}
