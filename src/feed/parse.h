/* Feed parsing: bytes in, the feed model (feed/item.h) out. No I/O, no
 * network, no globals; safe to fuzz.
 *
 * Formats are detected from the content (never from a file name or a
 * Content-Type): JSON Feed 1.0/1.1 when the document is a JSON object,
 * else XML: RSS 0.9x/2.0 (<rss>), RSS 1.0 and 0.90 (<rdf:RDF>), Atom 1.0
 * and 0.3 (<feed>). XML is read by libxml2's SAX2 parser in recover mode
 * with no network, no external entities and no DTD loading; JSON by
 * jansson with duplicate keys rejected.
 *
 * Leniency (each recovered problem adds a line to feed->errors and sets
 * feed->bozo; the items that can be read are still returned):
 *   - encodings: BOM, then the HTTP charset, then the XML declaration; an
 *     undeclared non-UTF-8 document is read as windows-1252, and so is
 *     one labeled UTF-8 that holds no valid multi-byte sequence at all;
 *     ISO-8859-1 is read as its superset windows-1252, GB2312 as GB18030,
 *     EUC-KR as CP949; other bad UTF-8 bytes become U+FFFD;
 *   - HTML named entities undefined in XML (&nbsp; ...) are decoded, and
 *     so are character references with an upper-case X (&#X41;); titles
 *     (text) have references escaped once more decoded too
 *     ("Wait&amp;amp;hellip;" in the XML gives "Wait…");
 *   - element names are matched without regard to case (<pubdate>);
 *   - unescaped HTML inside RSS <description> is kept as markup; HTML
 *     escaped twice (a field that is escaped markup of a common element
 *     from its first byte to its last, with no markup) is unescaped once;
 *   - undeclared namespace prefixes (dc:, content:, media: ...) are known;
 *   - Atom 0.3 mode="base64" is decoded (and, without a type, read as
 *     HTML, as mode="escaped" is);
 *   - RSS authors "Name (email)", "email (Name)" and "Name <email>" (in
 *     <author>, dc:creator, dc:author) give the name;
 *   - language tags written as locales ("en_US") become "en-US"; an item
 *     whose content (else summary, else title) carries its own xml:lang
 *     is in that language;
 *   - a reference to an external parameter entity in the DTD (never
 *     loaded) is not an error;
 *   - text printed before the XML (a PHP warning) is skipped, up to
 *     SYN_MAX_FEED_PREAMBLE_BYTES of it;
 *   - rarer vocabularies: RSS 1.0 rdf:about is the item's id, RSS 0.90 is
 *     told by its namespace, Microsoft CDF (<CHANNEL HREF LASTMOD>,
 *     <ABSTRACT>), <fullitem> content, media:category, dc:title of a
 *     channel, <itunes:link rel="image">.
 * URLs: links, enclosures and images are resolved against xml:base, else
 * opts->base_url; so are href/src attributes of inline (XHTML or naked)
 * markup in content. Ids are kept as written, even a relative one.
 * Escaped HTML is kept as written: the item's
 * base_url says what its relative links mean (the sanitizer resolves
 * them), so the parser makes no second pass over content text.
 * Items without an id get a stable one: the link, else "urn:syndic:" and a
 * 64-bit FNV-1a hash of title, date and summary. Items without authors
 * get those of their Atom <source>, else the feed's (RFC 4287 4.2.1;
 * JSON Feed 1.1's top-level "authors"/"author").
 *
 * Limits (util/limits.h): input over SYN_MAX_FEED_BYTES, nesting deeper
 * than SYN_MAX_XML_DEPTH, an element with more than SYN_MAX_XML_ATTRS
 * attributes or more than SYN_MAX_ITEMS items fail with SYN_ETOOBIG; a
 * field longer than SYN_MAX_FIELD_BYTES is truncated (and reported in
 * errors); entity declarations are never expanded recursively.
 * Thread rules: independent calls may run in parallel once
 * feed_parse_global_init() has run. */
#ifndef SYNDIC_FEED_PARSE_H
#define SYNDIC_FEED_PARSE_H

#include <stddef.h>

#include "feed/item.h"
#include "util/compiler.h"
#include "util/err.h"

struct feed_parse_opts {
    const char *base_url;     /* the document's URL, for relative links;
                                 NULL when unknown */
    const char *http_charset; /* charset= of the HTTP Content-Type; NULL */
};

/* Parse buf[0..len). opts may be NULL. On SYN_OK *out is a new feed the
 * caller frees with feed_free() (possibly bozo, possibly without items).
 * On failure *out is NULL and err says why: SYN_EPARSE (not a feed, or
 * nothing readable), SYN_ETOOBIG (a limit above), SYN_ENOMEM. */
enum syn_status feed_parse(const char *buf, size_t len,
                           const struct feed_parse_opts *opts,
                           struct feed **out /* out */,
                           struct syn_err *err) SYN_NODISCARD;

/* libxml2's process-wide set-up (xmlInitParser). feed_parse() from one
 * thread needs nothing, but before feed_parse() runs on several threads
 * at once, one thread calls this first. Idempotent. */
void feed_parse_global_init(void);

#endif
