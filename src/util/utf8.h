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
enum syn_status utf8_append_valid(struct buf *b, const char *s, size_t len)
    SYN_NODISCARD;

/* Largest n <= len such that s[0..n) does not end inside a sequence. */
size_t utf8_boundary(const char *s, size_t len);

#endif
