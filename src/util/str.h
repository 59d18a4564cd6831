/* String slices and small string helpers.
 *
 * struct str is a borrowed view (pointer + length, not NUL-terminated);
 * its owner is whoever owns the bytes it points into. */
#ifndef SYNDIC_UTIL_STR_H
#define SYNDIC_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>

#include "util/compiler.h"
#include "util/err.h"

struct str {
    const char *p; /* borrowed */
    size_t len;    /* bytes */
};

/* A slice of a NUL-terminated string (NULL gives an empty slice). */
struct str str_from_cstr(const char *s);
/* Slice without leading and trailing ASCII whitespace. */
struct str str_trim(struct str s);
bool str_eq(struct str a, struct str b);
bool str_eq_cstr(struct str a, const char *b);
/* ASCII case-insensitive comparisons. */
bool str_eq_nocase(struct str a, const char *b);
bool str_has_prefix_nocase(struct str s, const char *prefix);

/* Copy src into dst[cap] NUL-terminated. SYN_ETOOBIG when it did not fit
 * (dst then holds the truncated prefix, cut at a byte boundary). */
enum syn_status str_copy(char *dst, size_t cap, const char *src);

/* Parse all of s as a base-10 long within [min, max]. SYN_EINVAL when s is
 * empty, has trailing junk or is out of range; *out is untouched then. */
enum syn_status str_to_long(const char *s, long min, long max,
                            long *out /* out */) SYN_NODISCARD;

/* Parse a boolean: 1/0, true/false, yes/no, on/off (any case). */
enum syn_status str_to_bool(const char *s, bool *out /* out */) SYN_NODISCARD;

/* ASCII case-insensitive strcmp / strncmp that ignore the locale. */
int str_casecmp(const char *a, const char *b);
int str_ncasecmp(const char *a, const char *b, size_t n);

#endif
