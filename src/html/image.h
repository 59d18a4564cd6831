/* Lead image of a story: the picture shown beside its title.
 * Feed media (media:content, media:thumbnail, an image enclosure, JSON
 * Feed's image) wins; else the first image of the content that survives
 * the sanitizer (no tracking pixel) and is not an icon, emoji, avatar or
 * button (declared 64 px or less, or a URL that says so).
 * Thread rules: none; reentrant. */
#ifndef SYNDIC_HTML_IMAGE_H
#define SYNDIC_HTML_IMAGE_H

#include <stddef.h>

#include "util/compiler.h"
#include "util/err.h"

/* Choose the lead image from media_url (may be NULL) and html[0..len)
 * (raw or sanitized; html may be NULL when len is 0). Relative URLs are
 * resolved against base_url (may be NULL). On SYN_OK *out is an http(s)
 * URL the caller frees with syn_free, or NULL when there is none.
 * SYN_ETOOBIG, SYN_ENOMEM as html_sanitize(). */
enum syn_status html_lead_image(const char *html, size_t len,
                                const char *media_url, const char *base_url,
                                char **out /* out */,
                                struct syn_err *err) SYN_NODISCARD;

#endif
