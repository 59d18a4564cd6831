/* Excerpts: the first words of a story, short, safe and readable, for
 * lists and digests (HTML_EXCERPT_LIST_WORDS) and for the article page
 * (HTML_EXCERPT_PAGE_WORDS).
 *
 * The input (raw or already sanitized HTML) goes through the sanitizer's
 * policy; media, tables, figures and rules are left out, empty elements
 * dropped and whitespace collapsed. The excerpt holds at most max_words
 * words and is cut where a reader expects it:
 *  - at the end of a paragraph (or list item, quote, heading) when whole
 *    paragraphs fill at least half of the budget;
 *  - else at the end of a sentence when one falls in the last two thirds
 *    of the budget, else at a paragraph end in that range;
 *  - else after the last whole word that fits.
 * A cut is never inside a tag, a character reference or a UTF-8 sequence;
 * an ellipsis (U+2026) marks it. Scripts written without spaces (Chinese,
 * Japanese, Thai...) are counted by characters: 2 characters = 1 word (an
 * English word carries about as much as two Chinese characters), so 40
 * words allow 80 such characters.
 * Thread rules: none; reentrant. */
#ifndef SYNDIC_HTML_EXCERPT_H
#define SYNDIC_HTML_EXCERPT_H

#include <stddef.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

#define HTML_EXCERPT_LIST_WORDS 40  /* lists of stories and digests */
#define HTML_EXCERPT_PAGE_WORDS 150 /* the article page */

/* Append the excerpt of html[0..len) as safe HTML to out_html and as plain
 * text (single spaces) to out_text; either may be NULL. max_words 0 gives
 * empty excerpts. Relative links stay relative (sanitize first, with the
 * base, to resolve them). SYN_ETOOBIG, SYN_ENOMEM as html_sanitize(); on
 * error both outputs are left as they were. */
enum syn_status html_excerpt(const char *html, size_t len, size_t max_words,
                             struct buf *out_html, struct buf *out_text,
                             struct syn_err *err) SYN_NODISCARD;

#endif
