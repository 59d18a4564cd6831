/* URL helpers on top of libcurl's URL API (RFC 3986): resolving references
 * against a base, and the scheme policy shared by feeds, the sanitizer and
 * the fetcher. Pure functions; no network I/O.
 * Thread rules: safe from any thread. */
#ifndef SYNDIC_UTIL_URL_H
#define SYNDIC_UTIL_URL_H

#include <stdbool.h>

#include "util/compiler.h"
#include "util/err.h"

/* Resolve ref against base (RFC 3986 section 5). base may be NULL or "" when
 * ref is absolute. On SYN_OK *out is a new string the caller frees with
 * syn_free. SYN_EINVAL when the result is not a valid absolute URL,
 * SYN_ETOOBIG past SYN_MAX_URL_BYTES. */
enum syn_status url_resolve(const char *base, const char *ref,
                            char **out /* out */, struct syn_err *err)
    SYN_NODISCARD;

/* True when url is absolute with scheme http or https (any case). */
bool url_is_http(const char *url);

/* True when url's scheme is one syndic publishes: http, https or mailto.
 * url must already be decoded and stripped of whitespace and controls. */
bool url_is_safe_scheme(const char *url);

#endif
