/* UTF-8 validation and repair (RFC 3629): no overlongs, no surrogates,
 * nothing above U+10FFFF. Text from strangers is validated once, at the
 * boundary; bad sequences become U+FFFD, as sfeed does. */
#ifndef SYNDIC_UTIL_UTF8_H
#define SYNDIC_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/compiler.h"

/* True when s[0..len) is entirely valid UTF-8. */
bool utf8_valid(const char *s, size_t len);

/* Decode one code point at s[0..len); returns its byte length (1..4), or 0
 * for an invalid or truncated sequence (then *cp = U+FFFD). len > 0. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp /* out */);

/* utf8_decode() with the one- to three-byte sequences decoded inline, for
 * the loops that walk text a character at a time (escaping, measuring,
 * validating): the same result for every input. */
static inline size_t
utf8_decode_fast(const char *s, size_t len, uint32_t *cp /* out */)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t c;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF && len >= 2 && (p[1] & 0xC0) == 0x80) {
        *cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3Fu);
        return 2;
    }
    if (p[0] >= 0xE0 && p[0] <= 0xEF && len >= 3 && (p[1] & 0xC0) == 0x80 &&
        (p[2] & 0xC0) == 0x80) {
        c = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
            (p[2] & 0x3Fu);
        if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
            *cp = c;
            return 3;
        }
    }
    return utf8_decode(s, len, cp);
}

/* Encode cp into out[4]; returns the byte length (U+FFFD for invalid cp). */
size_t utf8_encode(uint32_t cp, char out[4]);

/* Append s to b with every invalid sequence replaced by U+FFFD and NUL
 * bytes dropped. Errors are buf's. */
enum syn_status utf8_append_valid(struct buf *b, const char *s,
                                  size_t len) SYN_NODISCARD;

/* The character windows-1252 gives byte c >= 0x80: what browsers read
 * ISO-8859-1 as. The five bytes it leaves undefined stay C1 controls. */
uint32_t cp1252_char(unsigned char c);

/* True when s[0..len) holds a C1 control (U+0080..U+009F) as UTF-8. */
bool utf8_has_c1(const char *s, size_t len);

/* utf8_append_valid() that also reads each C1 control U+0080..U+009F as
 * the windows-1252 character of the same byte: such text was decoded as
 * ISO-8859-1 by mistake ("don" U+0092 "t" was "don't"), and no news text
 * means a C1 control. Errors are buf's; on error b is as it was. */
enum syn_status utf8_append_text(struct buf *b, const char *s,
                                 size_t len) SYN_NODISCARD;

/* Largest n <= len such that s[0..n) does not end inside a sequence. */
size_t utf8_boundary(const char *s, size_t len);

#endif
