/* Canonical form of an http(s) URL, used as a key to find the same story
 * carried by several sources (cross-source dedupe). It is a key, not a
 * link: never fetch or publish the canonical form, keep the original.
 *
 * Rules (RFC 3986 section 6 normalization, then dedupe-specific ones):
 *  - parsed by libcurl's URL API, which removes dot segments;
 *  - scheme and host lower-cased, a trailing dot of the host dropped;
 *    an internationalized host becomes punycode (xn--...) when libcurl
 *    can convert it (it needs a UTF-8 locale), else stays UTF-8; a host
 *    with other characters, or an IPv6 zone, is refused (SYN_EINVAL);
 *    "www." is kept (it may be another site);
 *  - userinfo dropped (a key must never carry credentials);
 *  - default ports (80 for http, 443 for https) dropped;
 *  - empty path becomes "/"; a trailing slash is kept (it is significant);
 *  - percent-encoding normalized in path and query: escapes of unreserved
 *    characters decoded (except %2E, which could form a new dot segment),
 *    other escapes upper-cased, bytes that must be
 *    escaped (space, controls, non-ASCII, "<>\"{}|\\^`") escaped, a lone
 *    '%' becomes %25;
 *  - fragment dropped (including "#!" routes);
 *  - query: empty parameters dropped, tracking parameters dropped (see
 *    url_canon_is_tracking), the rest sorted by name (stable, so repeated
 *    names keep their order): the same story linked with parameters in
 *    another order is the same story; "?" dropped when nothing is left.
 * Tracking parameters, compared ASCII case-insensitively: any name
 * starting with "utm_", and fbclid gclid dclid gbraid wbraid msclkid
 * yclid twclid igshid mc_cid mc_eid _hsenc _hsmi __hstc __hssc __hsfp
 * hsctatracking mkt_tok _ga _gl oly_anon_id oly_enc_id vero_id vero_conv
 * rb_clickid s_cid ref_src ref_url. "ref" itself is NOT dropped: it
 * selects content on some sites (e.g. a branch on code hosts).
 *
 * Pure functions. Thread rules: safe from any thread. */
#ifndef SYNDIC_UTIL_URL_CANON_H
#define SYNDIC_UTIL_URL_CANON_H

#include <stdbool.h>
#include <stddef.h>

#include "util/compiler.h"
#include "util/err.h"

/* Canonical form of url. On SYN_OK *out is a new string (free with
 * syn_free). SYN_EINVAL when url is not an absolute http(s) URL,
 * SYN_ETOOBIG past SYN_MAX_URL_BYTES (input or output), SYN_ENOMEM. */
enum syn_status url_canon(const char *url, char **out /* out */,
                          struct syn_err *err) SYN_NODISCARD;

/* True when the query parameter name[0..len) is a tracking parameter
 * that url_canon() drops (list above). */
bool url_canon_is_tracking(const char *name, size_t len);

#endif
