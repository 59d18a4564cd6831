/* The feed model: one parsed document (struct feed) and its entries
 * (struct feed_item), the same for every format syndic reads (RSS 0.9x,
 * 1.0 and 2.0, Atom 0.3 and 1.0, JSON Feed 1.0 and 1.1).
 *
 * Ownership: a struct feed owns an arena; every string, array and item
 * hanging off it lives in that arena and dies with feed_free(). Nothing in
 * the model is shared with the input buffer.
 * Invariants after feed_parse(): every string is valid UTF-8 without NUL
 * bytes, at most SYN_MAX_FIELD_BYTES long; URLs are absolute when a base
 * was known (else as written); NULL means absent or unknown.
 * The *_html fields hold HTML as the feed gave it (text content is escaped
 * into HTML): untrusted until html_sanitize() has passed over it.
 * Thread rules: none; a feed is read-only once parsed and may then be read
 * from several threads. */
#ifndef SYNDIC_FEED_ITEM_H
#define SYNDIC_FEED_ITEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"
#include "util/time.h"

enum feed_format {
    FEED_FORMAT_UNKNOWN = 0,
    FEED_FORMAT_RSS09X, /* RSS 0.90, 0.91, 0.92 (and <rss> without version) */
    FEED_FORMAT_RSS10,  /* RSS 1.0 (RDF) */
    FEED_FORMAT_RSS20,
    FEED_FORMAT_ATOM03,
    FEED_FORMAT_ATOM10,
    FEED_FORMAT_JSON10,
    FEED_FORMAT_JSON11,
};

struct feed_enclosure {
    const char *url;  /* absolute when resolvable */
    const char *type; /* MIME type or NULL */
    int64_t length;   /* bytes; -1 when unknown */
};

/* A NULL-free array of strings in the arena. */
struct feed_strings {
    const char **v;
    size_t n;
};

struct feed_item {
    const char *id;              /* guid/id, else derived (see parse.h) */
    const char *url;             /* permalink */
    const char *title;           /* plain text */
    struct feed_strings authors; /* names (or addresses), deduplicated;
                                    items without their own share the
                                    feed's array (the arena owns all) */
    struct syn_time published;
    struct syn_time updated;
    const char *summary_html; /* description / summary */
    const char *content_html; /* content:encoded / content */
    const char *excerpt_html; /* filled by feed_item_finish(), else NULL */
    const char *excerpt_text; /* idem */
    const char *image; /* media:thumbnail, itunes:image, image enclosure */
    struct feed_strings categories;
    const char *language; /* xml:lang of the item's content (else
                             summary, else title) when declared inside
                             the item; else dc:language or xml:lang of
                             the item; else the feed's */
    const char *base_url; /* base for relative URLs inside the *_html
                             fields (xml:base, else the document URL);
                             NULL when unknown */
    struct feed_enclosure *enclosures;
    size_t n_enclosures;
    struct feed_item *next; /* document order; NULL ends */
};

struct feed {
    enum feed_format format;
    bool bozo; /* problems were recovered (see errors) */
    struct feed_strings
        errors;              /* "line 12: ...", at most SYN_MAX_FEED_ERRORS */
    const char *encoding;    /* charset the bytes were read in, lower
                                case ("utf-8", "windows-1252", ...);
                                NULL for JSON Feed (always UTF-8) */
    const char *title;       /* plain text */
    const char *link;        /* the site's home page */
    const char *description; /* plain text or HTML as given */
    const char *language;
    struct syn_time updated;
    const char *image;       /* logo / image url / itunes:image */
    struct feed_item *items; /* first item, document order */
    size_t n_items;
    /* Scheduling hints from the feed; 0 when absent. */
    long ttl_min;          /* RSS <ttl>, minutes */
    long update_period_s;  /* sy:updatePeriod as seconds */
    long update_frequency; /* sy:updateFrequency, times per period */
    struct arena arena;    /* owns everything above */
};

/* Release f and everything it owns; feed_free(NULL) is a no-op. */
void feed_free(struct feed *f);

/* The DESIGN.md name of a format ("rss2.0", "atom1.0", ...); never NULL
 * ("unknown" for FEED_FORMAT_UNKNOWN). */
const char *feed_format_name(enum feed_format fmt);

/* Append f as one line of JSON (no newline) in the DESIGN.md "syndic parse"
 * shape to out: absent fields are null, times RFC 3339 UTC, arrays always
 * present. SYN_ENOMEM / SYN_ETOOBIG (out's max) leave out unchanged. */
enum syn_status feed_to_json(const struct feed *f,
                             struct buf *out) SYN_NODISCARD;

#endif
