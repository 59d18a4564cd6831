/* OPML subscription lists (OPML 2.0, http://opml.org/spec2.opml; 1.0 read
 * too): parse a document into a flat list of feeds, and write such a list
 * back as OPML 2.0. Pure functions: bytes in, bytes out, no I/O.
 *
 * Parsing (libxml2, from memory, XML_PARSE_NONET, recover mode because
 * hand-edited OPML often has a bare '&'):
 *  - every <outline> with an xmlUrl attribute is a feed; attribute names
 *    are matched case-insensitively (xmlurl, XMLURL appear in the wild);
 *  - title: the title attribute, else text (none when it only repeats the
 *    feed URL, as exporters write when they know no title); html_url:
 *    htmlUrl;
 *  - topics: the title (or text) of every enclosing <outline> that has no
 *    xmlUrl (a folder), outermost first, then each entry of the category
 *    attribute (comma-separated; an entry "/a/b" is a path and gives its
 *    last segment "b"); trimmed, empty ones dropped, duplicates (ASCII
 *    case-insensitive) dropped, at most SYN_MAX_ITEM_LIST;
 *  - a document whose text declares entities (<!ENTITY) is refused with
 *    SYN_EDENIED: no entity tricks, no external fetches;
 *  - limits: SYN_MAX_OPML_BYTES input, SYN_MAX_OPML_FEEDS feeds,
 *    SYN_MAX_OPML_DEPTH nested outlines (SYN_ETOOBIG past each); libxml2
 *    itself stops at 256 levels of XML.
 * Strings are valid UTF-8 (libxml2 converts the declared encoding).
 *
 * Export writes <outline type="rss" text title xmlUrl htmlUrl category>
 * per feed, flat, topics in category (a ',' or '/' inside a topic becomes
 * '-', since both are separators there), everything escaped for XML
 * attributes (& < > " and tab/CR/LF as character references; other
 * control bytes dropped; invalid UTF-8 becomes U+FFFD).
 *
 * Thread rules: reentrant; libxml2 must have been initialized once
 * (xmlInitParser) before use from several threads. */
#ifndef SYNDIC_FEED_OPML_H
#define SYNDIC_FEED_OPML_H

#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

struct opml_feed {
    const char *xml_url;       /* the feed URL, trimmed; never NULL */
    const char *html_url;      /* the site URL, or NULL */
    const char *title;         /* or NULL */
    const char *const *topics; /* n_topics strings */
    size_t n_topics;
};

struct opml_doc {
    const char *title;       /* <head><title>, or NULL */
    struct opml_feed *feeds; /* n_feeds, in document order */
    size_t n_feeds;
    size_t cap_feeds;   /* allocated entries */
    struct arena arena; /* owns every string and topics array */
};

/* Parse buf[0..len). On SYN_OK *out is a new document; free it with
 * opml_free(). SYN_EPARSE when it is not OPML (no <opml> root or no
 * <body>), SYN_EDENIED for entity declarations, SYN_ETOOBIG past a limit,
 * SYN_ENOMEM. On error *out is untouched and err says why. */
enum syn_status opml_parse(const char *buf, size_t len,
                           struct opml_doc **out /* out */,
                           struct syn_err *err) SYN_NODISCARD;

/* Release a document; NULL is a no-op. */
void opml_free(struct opml_doc *doc);

/* Append an OPML 2.0 document listing feeds[0..n) to out, with title
 * (may be NULL) in <head>. Members of each feed other than xml_url may be
 * NULL. Errors are out's (SYN_ETOOBIG, SYN_ENOMEM); out may then hold a
 * partial document, which the caller discards. */
enum syn_status opml_export(const struct opml_feed *feeds, size_t n,
                            const char *title, struct buf *out,
                            struct syn_err *err) SYN_NODISCARD;

#endif
