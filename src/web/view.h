/* Turning store rows into template data: dates in the formats pages and
 * feeds need, URL slugs, text direction, URL-encoding, search snippets and
 * the JSON-LD of an article. Shared by the page and feed handlers.
 * Thread rules: pure functions; results in the request's arena. */
#ifndef SYNDIC_WEB_VIEW_H
#define SYNDIC_WEB_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/tpl.h"

struct web_req;

enum web_date_fmt {
    WEB_DATE_RFC3339, /* 2026-11-29T10:00:00Z (HTML time, Atom, JSON) */
    WEB_DATE_RFC822,  /* Sun, 29 Nov 2026 10:00:00 +0000 (RSS 2.0) */
    WEB_DATE_HUMAN,   /* 29 November 2026 */
    WEB_DATE_DAY,     /* 2026-11-29 (sitemap lastmod) */
};

/* t formatted into out[cap]; "" for t == 0 or out of range. Returns out. */
const char *web_date(int64_t t, enum web_date_fmt fmt, char *out, size_t cap);

/* A URL slug of title: its words (ASCII letters and digits lowered,
 * letters of other scripts kept as UTF-8) joined by '-', at most 80 bytes
 * cut at a code point; "story" when nothing is left. Not URL-encoded.
 * In the arena; NULL on ENOMEM. */
char *web_slug(struct arena *a, const char *title);

/* "/a/<id>/<slug>" with the slug percent-encoded, for links and
 * redirects. In the arena; NULL on ENOMEM. */
char *web_article_path(struct arena *a, int64_t id, const char *title);

/* True when text in language lang (may be NULL) is written right to left:
 * Arabic, Hebrew, Persian, Urdu, Pashto, Sindhi, Uyghur, Dhivehi, Yiddish,
 * Kurdish (Sorani) by tag, or else when most letters of sample (may be
 * NULL) are Arabic or Hebrew script. */
bool web_is_rtl(const char *lang, const char *sample);

/* Append s percent-encoded for a query value (RFC 3986 unreserved kept). */
enum syn_status web_url_encode(struct buf *out, const char *s) SYN_NODISCARD;

/* A search snippet (STORE_MARK_OPEN/CLOSE around matches) as safe HTML:
 * text escaped, matches in <mark>. In the arena; NULL on ENOMEM. */
char *web_snippet_html(struct arena *a, const char *snippet);

/* Fill map with the fields templates use for an item: id, title, url (the
 * original), article_url (/a/<id>/<slug>), page_url (absolute), slug,
 * published_iso/_human/_rfc822, updated_iso, authors (list), image,
 * excerpt_html, summary, lang, rtl, source {id, name, page_url, site_url,
 * feed_url}. src may be NULL (source fields from the item's join). */
void web_item_tree(struct web_req *req, struct tpl_tree *t, struct tpl_val *map,
                   const struct store_item *it, const struct store_source *src);

/* The schema.org NewsArticle JSON-LD of an item, safe inside a <script>
 * element: '<', '>' and '&' are written as \u003c, \u003e, \u0026, so no
 * "</script" or "<!--" can appear. In the arena; NULL on failure. */
char *web_item_jsonld(struct web_req *req, const struct store_item *it,
                      const char *source_name);

/* Display name of a source: its title, else the host of its site or feed
 * URL. Borrowed from src or in the arena. */
const char *web_source_name(struct arena *a, const struct store_source *src);

#endif
