/* The seam between parsing and HTML cleaning: what `syndic parse` without
 * --raw (and the ingest pipeline) runs on each parsed item so that
 * summary_html and content_html are sanitized and excerpt_html and
 * excerpt_text are filled (html_sanitize() and html_excerpt() of src/html/,
 * with it->base_url as the base for relative URLs).
 *
 * Until that wiring lands this is the identity: the item stays as parsed
 * and the excerpt fields stay NULL. New strings, when there are some, are
 * allocated in f->arena.
 * Thread rules: none beyond the feed's. */
#ifndef SYNDIC_FEED_FINISH_H
#define SYNDIC_FEED_FINISH_H

#include "feed/item.h"
#include "util/compiler.h"
#include "util/err.h"

/* Clean one item of f in place. SYN_ENOMEM; on failure the item keeps its
 * parsed (unsafe) HTML, so callers must not publish it. */
enum syn_status feed_item_finish(struct feed *f, struct feed_item *it,
                                 struct syn_err *err) SYN_NODISCARD;

#endif
