/* The HTML sanitizer: strangers' HTML (feed summaries and contents) made
 * safe to put inside syndic's pages.
 *
 * The input is parsed as a browser parses a fragment set as a <div>'s
 * innerHTML (gumbo, HTML5), the tree is walked, and fresh HTML is written
 * from an allowlist; nothing of the input is copied through unparsed.
 * Policy, in short (details in html/walk.c):
 *  - kept: p, div, h1-h6 (h1 and h2 become h3: below the page's own
 *    title), blockquote, pre, ul, ol, li, dl, dt, dd, figure, figcaption,
 *    hr, br, wbr, a, em, strong, b, i, u, s, small, mark, cite, q, dfn,
 *    abbr, time, code, var, samp, kbd, sub, sup, span, bdi, bdo, ins, del,
 *    img, video, audio, source, table, caption, colgroup, col, thead,
 *    tbody, tfoot, tr, td, th; other tags are unwrapped (their text kept);
 *  - removed with their content: script, style, template, noscript,
 *    textarea, title, iframes, frames, objects, embeds, form controls, SVG
 *    and MathML; an iframe of a known video player (YouTube, Vimeo,
 *    Dailymotion...) becomes a link to the video's page;
 *  - attributes per tag: title, lang, dir (ltr/rtl/auto) everywhere; href,
 *    src, srcset, cite, poster hold only http, https or mailto URLs after
 *    entity decoding and control stripping, relative ones resolved against
 *    base_url; every link gets rel="nofollow noopener noreferrer";
 *  - images: data-src and friends (lazy loading) become src; 1x1 pixels and
 *    known trackers (feedburner, doubleclick, pixel.wp.com, feedblitz...)
 *    are dropped.
 * The output is a fixed point: sanitizing it again gives the same bytes
 * (with the same base_url). Limits: input past SYN_MAX_HTML_BYTES is
 * refused, nesting past SYN_MAX_HTML_DEPTH is dropped.
 * Thread rules: none; reentrant. */
#ifndef SYNDIC_HTML_SANITIZE_H
#define SYNDIC_HTML_SANITIZE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

/* Append the safe form of html[0..len) to out. base_url (may be NULL)
 * resolves relative URLs; without an http(s) base they stay relative.
 * SYN_ETOOBIG when len > SYN_MAX_HTML_BYTES or out's max is reached,
 * SYN_ENOMEM; on any error out is left as it was. */
enum syn_status html_sanitize(const char *html, size_t len,
                              const char *base_url, struct buf *out,
                              struct syn_err *err) SYN_NODISCARD;

#endif
