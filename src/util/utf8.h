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
