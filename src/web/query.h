/* Decoding what a client puts in a URL or a form: the request path and
 * application/x-www-form-urlencoded text (query strings, POST bodies).
 *
 * Everything is hostile: percent-escapes are checked, the result must be
 * valid UTF-8 without NUL or other C0 control bytes, paths may not hold
 * "." or ".." segments, sizes and counts are bounded by util/limits.h
 * (SYN_MAX_PATH_BYTES, SYN_MAX_PARAMS, SYN_MAX_QUERY_BYTES per value).
 * Results live in the caller's arena (the request's).
 * Thread rules: pure functions. */
#ifndef SYNDIC_WEB_QUERY_H
#define SYNDIC_WEB_QUERY_H

#include <stddef.h>

#include "util/arena.h"
#include "util/compiler.h"
#include "util/err.h"

struct web_param {
    const char *name;  /* decoded, NUL-terminated, in the arena */
    const char *value; /* decoded, NUL-terminated, in the arena */
    size_t value_len;  /* bytes */
};

struct web_params {
    struct web_param *items; /* in the arena; n entries in input order */
    size_t n;
};

/* Decode the path part of a request target (before any '?'): raw[0..len).
 * It must start with '/'; "%2F" stays a literal '/' inside a segment only
 * in the sense that it is decoded (routes never split on it again).
 * SYN_EINVAL for a bad escape, invalid UTF-8, a control byte, a "." or
 * ".." segment or a backslash; SYN_ETOOBIG past SYN_MAX_PATH_BYTES;
 * SYN_ENOMEM. *out is a NUL-terminated arena string. */
enum syn_status web_path_decode(const char *raw, size_t len, struct arena *a,
                                const char **out /* out */,
                                struct syn_err *err) SYN_NODISCARD;

/* Decode form-urlencoded text s[0..len) ('+' is a space, '&' or ';'
 * separate pairs, a pair without '=' has an empty value, empty pairs are
 * skipped). SYN_EINVAL (bad escape, bad UTF-8, control byte other than
 * tab/CR/LF in a value), SYN_ETOOBIG (more than SYN_MAX_PARAMS pairs, a
 * value past SYN_MAX_QUERY_BYTES), SYN_ENOMEM. */
enum syn_status web_params_parse(const char *s, size_t len, struct arena *a,
                                 struct web_params *out /* out */,
                                 struct syn_err *err) SYN_NODISCARD;

/* Like web_params_parse() for a POSTed form, whose values may reach
 * SYN_MAX_FORM_VALUE_BYTES (an inquiry message). */
enum syn_status web_form_parse(const char *s, size_t len, struct arena *a,
                               struct web_params *out /* out */,
                               struct syn_err *err) SYN_NODISCARD;

/* The first value of name, or NULL. Borrowed from the params' arena. */
const char *web_params_get(const struct web_params *p, const char *name);

#endif
