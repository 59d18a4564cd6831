/* Everything the feed pipeline needs from one HTML field, from ONE parse:
 * the safe HTML (html_sanitize), excerpts as HTML and as text
 * (html_excerpt), the plain text (html_text) and the lead image
 * (html_lead_image without feed media). Each result is what the separate
 * function gives for the same input and base URL (excerpts and text are
 * of the input under the sanitizer's policy, so a video <iframe> counts
 * as media there, not as the link the sanitizer makes of it); parsing once
 * instead of up to five times is what makes the full `syndic parse` and
 * ingest affordable (gumbo is most of their cost).
 * Thread rules: none. */
#ifndef SYNDIC_HTML_CLEAN_H
#define SYNDIC_HTML_CLEAN_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

struct html_clean_opts {
    const char *base_url; /* for relative URLs; NULL when unknown */
    size_t html_words;    /* excerpt_html length in words */
    size_t text_words;    /* excerpt_text length in words */
    bool valid_utf8;      /* the input is known to be valid UTF-8 (a feed
                             model string): the parse does not re-check it */
};

/* Outputs; each may be NULL when not wanted. Buffers are appended to. */
struct html_clean_out {
    struct buf *safe_html;
    struct buf *excerpt_html;
    struct buf *excerpt_text;
    struct buf *text;
    char **image; /* first usable image URL or NULL; caller syn_frees */
};

/* Clean html[0..len) into the outputs of out. SYN_ETOOBIG (input or an
 * output past its limit), SYN_ENOMEM; on error every output is as it was
 * and *image is NULL. */
enum syn_status html_clean(const char *html, size_t len,
                           const struct html_clean_opts *o,
                           const struct html_clean_out *out,
                           struct syn_err *err) SYN_NODISCARD;

#endif
