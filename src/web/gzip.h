/* gzip (RFC 1952) for response bodies, with zlib, and the Accept-Encoding
 * test (RFC 9110 section 12.5.3). Cached pages are compressed once, so the
 * cost is paid per render, not per request.
 * Thread rules: pure functions. */
#ifndef SYNDIC_WEB_GZIP_H
#define SYNDIC_WEB_GZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/compiler.h"
#include "util/err.h"

/* Compress in[0..len) into a new buffer (*out, *out_len; syn_free it).
 * SYN_ENOMEM, SYN_EIO when zlib fails. */
enum syn_status web_gzip(const char *in, size_t len, char **out /* out */,
                         size_t *out_len /* out */,
                         struct syn_err *err) SYN_NODISCARD;

/* True when an Accept-Encoding value (may be NULL) accepts gzip: a "gzip"
 * or "*" coding whose q is not 0. */
bool web_accepts_gzip(const char *accept_encoding);

#endif
