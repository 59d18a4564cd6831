/* Internal to src/feed/: the builder that the XML and JSON readers fill.
 * It owns the struct feed under construction, its current item and the
 * per-item lists (bounded by SYN_MAX_ITEM_LIST), turns raw text into the
 * model's invariants (valid UTF-8, trimmed, absolute URLs) and keeps the
 * first fatal status (ENOMEM, ETOOBIG) so that callbacks can stop early.
 * Thread rules: none; one builder per parse. */
#ifndef SYNDIC_FEED_BUILD_H
#define SYNDIC_FEED_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feed/item.h"
#include "feed/parse.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"
#include "util/limits.h"

/* Image sources for an item, weakest first: a stronger one replaces. */
enum fb_image_prio {
    FB_IMAGE_NONE = 0,
    FB_IMAGE_ENCLOSURE,
    FB_IMAGE_ITUNES,
    FB_IMAGE_MEDIA_CONTENT,
    FB_IMAGE_THUMBNAIL,
    FB_IMAGE_EXPLICIT, /* JSON Feed "image" */
};

struct feed_builder {
    struct feed *f;                         /* owned until fb_finish() */
    const char *doc_base;                   /* opts->base_url, borrowed */
    enum syn_status status;                 /* first fatal status; SYN_OK */
    struct syn_err *err;                    /* caller's; filled with status */
    struct feed_item *cur;                  /* item being read, or NULL */
    struct feed_item *last;                 /* tail of f->items */
    const char *authors[SYN_MAX_ITEM_LIST]; /* current item; arena strings */
    size_t n_authors;
    const char *feed_authors[SYN_MAX_ITEM_LIST]; /* the feed's own */
    size_t n_feed_authors;
    const char *cats[SYN_MAX_ITEM_LIST];
    size_t n_cats;
    struct feed_enclosure encs[SYN_MAX_ITEM_LIST];
    size_t n_encs;
    int image_prio; /* enum fb_image_prio of cur->image */
    int feed_image_prio;
    const char *errors[SYN_MAX_FEED_ERRORS];
    size_t n_errors;
    size_t n_errors_dropped;
    struct buf tmp; /* scratch for fb_text() */
};

enum syn_status fb_init(struct feed_builder *fb,
                        const struct feed_parse_opts *opts,
                        struct syn_err *err) SYN_NODISCARD;
/* Release everything still owned (the feed when not finished). */
void fb_fini(struct feed_builder *fb);
/* Record a fatal status once; returns fb->status. */
enum syn_status fb_fail(struct feed_builder *fb, enum syn_status st,
                        const char *fmt, ...) SYN_PRINTF(3, 4);
/* Record a recovered problem ("line N: ..." when line > 0) and set bozo. */
void fb_problem(struct feed_builder *fb, long line, const char *fmt, ...)
    SYN_PRINTF(3, 4);

/* True when s[0..len) is valid UTF-8 (RFC 3629) without NUL bytes; the
 * same answer as utf8_valid() plus a NUL check, with an ASCII fast path
 * (this runs over every byte of every feed). */
bool fb_utf8_clean(const char *s, size_t len);

/* Text as a model string in the arena: UTF-8 repaired, C1 controls read
 * as windows-1252 (utf8_append_text), NULs dropped, ASCII whitespace
 * trimmed; NULL when empty or on failure (fb->status). */
const char *fb_text(struct feed_builder *fb, const char *s, size_t len);
/* fb_text() for text already known to be valid UTF-8 without NUL bytes
 * (libxml2's character data, which it has decoded and checked): skips
 * the validation pass, not the C1 mapping. */
const char *fb_text_clean(struct feed_builder *fb, const char *s, size_t len);
/* fb_text() for a language tag: "en_US" (a POSIX locale name, common in
 * feeds) becomes BCP 47's "en-US". */
const char *fb_lang(struct feed_builder *fb, const char *s, size_t len);
/* A URL from the feed resolved against base (else the document URL);
 * kept as written when it cannot be resolved. NULL when empty. */
const char *fb_url(struct feed_builder *fb, const char *base, const char *s,
                   size_t len);

/* Start / finish an item. fb_item_end derives a missing id and links the
 * item in; SYN_ETOOBIG past SYN_MAX_ITEMS (recorded in fb->status). */
void fb_item_begin(struct feed_builder *fb);
void fb_item_end(struct feed_builder *fb);

/* Per-item lists (ignored without a current item); duplicates and empty
 * strings are skipped; past SYN_MAX_ITEM_LIST entries are dropped with a
 * problem line. s is an arena string from fb_text()/fb_url().
 * fb_add_author() without a current item records an author of the feed
 * itself: fb_finish() gives those to the items that have none (RFC 4287
 * 4.2.1; JSON Feed 1.1's top-level authors). */
void fb_add_author(struct feed_builder *fb, const char *s);
void fb_add_category(struct feed_builder *fb, const char *s);
void fb_add_enclosure(struct feed_builder *fb, const char *url,
                      const char *type, int64_t length);
/* Offer an image for the current item (or, without one, the feed). */
void fb_offer_image(struct feed_builder *fb, const char *url, int prio);

/* Finish: copy the error lines, default item languages and authors to
 * the feed's; hand the feed to *out. */
enum syn_status fb_finish(struct feed_builder *fb,
                          struct feed **out) SYN_NODISCARD;

/* The readers: buf[0..len) is the whole document, already UTF-8 for XML
 * (parse.c converts). They fill fb and return fb->status or SYN_EPARSE. */
enum syn_status feed_read_xml(struct feed_builder *fb, const char *buf,
                              size_t len) SYN_NODISCARD;
enum syn_status feed_read_json(struct feed_builder *fb, const char *buf,
                               size_t len) SYN_NODISCARD;

/* Append the base64 decoding of s[0..len) to out (RFC 4648, standard or
 * URL alphabet; whitespace skipped, '=' ends the data). Errors are buf's. */
enum syn_status fb_base64_decode(const char *s, size_t len,
                                 struct buf *out) SYN_NODISCARD;

/* 64-bit FNV-1a, for derived ids. */
uint64_t fb_hash(uint64_t h, const char *s);

#endif
