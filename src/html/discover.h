/* Feed discovery: given an HTML page and its URL, list the feeds the page
 * announces, best first, and the common feed locations of its site for
 * the caller to try when it announces none. Parses with gumbo (as
 * browsers parse); no I/O.
 *
 * Announced feeds are <link> elements (anywhere in the document, as
 * gumbo places them) whose rel holds the token "alternate" (or "feed")
 * and whose type is one of
 *   application/atom+xml, application/rss+xml      rank 0
 *   application/feed+json, application/rdf+xml     rank 1
 *   application/json, application/xml, text/xml    rank 2, and only when
 *       the href or title mentions "feed", "rss" or "atom" (WordPress
 *       announces its REST API as application/json alternates)
 * (parameters such as "; charset=utf-8" ignored, any case). A title or
 * href mentioning "comment" adds 3 (a site's comment feed is rarely what
 * a partner wants). Ties keep document order. hrefs are resolved against
 * the first <base href> (itself resolved against the page URL) and the
 * page URL (RFC 3986); only http(s) results are kept, or file: ones when
 * the page itself is a file: URL; duplicates are dropped.
 *
 * Limits: input beyond SYN_MAX_HTML_BYTES is cut there (NOTE: truncates;
 * <head> comes first), gumbo keeps SYN_MAX_HTML_ERRORS errors, the walk
 * stops at SYN_MAX_HTML_DEPTH, at most SYN_MAX_DISCOVER_FEEDS feeds.
 * Thread rules: reentrant. */
#ifndef SYNDIC_HTML_DISCOVER_H
#define SYNDIC_HTML_DISCOVER_H

#include <stddef.h>

#include "util/compiler.h"
#include "util/err.h"

struct discover_feed {
    char *url;   /* absolute; owned by the list */
    char *title; /* the link's title, or NULL; owned by the list */
    char *type;  /* media type as written (lower-cased, no parameters),
                    or NULL for fallbacks; owned by the list */
    int rank;    /* 0 best; fallbacks rank 10 */
};

struct discover_list {
    struct discover_feed *feeds; /* n_feeds, best first */
    size_t n_feeds;
    size_t cap_feeds;
};

enum discover_page {
    DISCOVER_PAGE_UNKNOWN = 0, /* neither: try to parse it as a feed */
    DISCOVER_PAGE_HTML,        /* a web page: run discover_feeds() */
    DISCOVER_PAGE_FEED,        /* an XML or JSON feed: parse it */
};

/* What a fetched body is, from its Content-Type (may be NULL) and its
 * first bytes, for "source add URL" (a page or a feed?). The bytes win
 * over the header, since servers often label feeds text/html or
 * text/plain: after an optional BOM and whitespace, "<!doctype html" or
 * "<html" is HTML; "<?xml", "<rss", "<feed", "<rdf:RDF" or "{" is a feed;
 * otherwise a text/html or application/xhtml+xml type says HTML. */
enum discover_page discover_sniff(const char *content_type, const char *body,
                                  size_t len);

/* Prepare an empty list. */
void discover_list_init(struct discover_list *l);
/* Release every entry; l may be reused after discover_list_init(). */
void discover_list_fini(struct discover_list *l);

/* Append the feeds announced by html[0..len), a page fetched from
 * page_url, to out (which may already hold entries; new ones are sorted
 * among themselves and placed after them). SYN_EINVAL when page_url is
 * not an absolute URL; SYN_ENOMEM. A page without feeds is SYN_OK with
 * nothing added. */
enum syn_status discover_feeds(const char *html, size_t len,
                               const char *page_url, struct discover_list *out,
                               struct syn_err *err) SYN_NODISCARD;

/* Append the usual feed locations of page_url's site to out, in order of
 * likelihood: /feed, /rss, /feed.xml, /rss.xml, /atom.xml, /index.xml,
 * /feed.json, /feed/atom, /?feed=rss2 (WordPress without pretty links),
 * and when the page is below the root (https://x.org/blog/post) also
 * <dir>/feed, <dir>/rss.xml, <dir>/atom.xml, <dir>/index.xml for its
 * directory. Skips URLs already in out. SYN_EINVAL when page_url is not
 * an absolute http(s) URL; SYN_ENOMEM. */
enum syn_status discover_fallbacks(const char *page_url,
                                   struct discover_list *out,
                                   struct syn_err *err) SYN_NODISCARD;

#endif
