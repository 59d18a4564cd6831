/* Cleaning one parsed feed item for publication: the step between the
 * parser (feed/) and the store or `syndic parse` output. It sanitizes
 * summary_html and content_html against the item's base URL, fills
 * excerpt_html (html_words words) and excerpt_text (text_words words),
 * picks the lead image (feed media first, then the first content image
 * that is not a pixel or an icon) and extracts the plain text used for
 * search and near-duplicate detection.
 * New strings live in f->arena. Thread rules: none beyond the feed's. */
#ifndef SYNDIC_APP_NORMALIZE_H
#define SYNDIC_APP_NORMALIZE_H

#include <stddef.h>

#include "feed/item.h"
#include "util/compiler.h"
#include "util/err.h"

struct normalize_opts {
    size_t html_words; /* excerpt_html length in words */
    size_t text_words; /* excerpt_text length in words */
};

/* Clean it (an item of f) in place; *text (may be NULL) gets the item's
 * plain text (arena). On failure the item may hold unsafe HTML: callers
 * must not publish it. SYN_ENOMEM, SYN_ETOOBIG. */
enum syn_status normalize_item(struct feed *f, struct feed_item *it,
                               const struct normalize_opts *o,
                               const char **text /* out */,
                               struct syn_err *err) SYN_NODISCARD;

#endif
