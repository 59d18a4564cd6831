/* Internal to src/html: one HTML5 parse (gumbo) and the allowlist walk that
 * the sanitizer, the excerpts, the text extraction and the lead-image
 * choice all share, so that each applies exactly the same policy.
 *
 * A walk visits the parsed tree once and, by mode:
 *   WALK_SANITIZE  writes safe, well-formed HTML (a fixed point: parsing
 *                  and walking the output again gives the same bytes),
 *                  and, when asked to, finds the image WALK_IMAGE would
 *                  and fills the plan WALK_COUNT would (one walk for
 *                  three);
 *   WALK_EXCERPT   writes normalized excerpt HTML and/or text, stopping
 *                  before the token that would pass limit_units;
 *   WALK_COUNT     writes nothing and fills a walk_plan (where an excerpt
 *                  may be cut);
 *   WALK_TEXT      writes plain text with normalized whitespace;
 *   WALK_IMAGE     finds the first kept image that is not an icon.
 * Text is measured in units: a word of a spaced script is 2 units, one
 * character of a script written without spaces (CJK, Thai...) is 1 unit,
 * i.e. 2 such characters count as one word (see excerpt.h).
 * Thread rules: a doc is used by one thread at a time. */
#ifndef SYNDIC_HTML_WALK_H
#define SYNDIC_HTML_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

struct html_doc; /* a parsed fragment; opaque */

enum walk_mode {
    WALK_SANITIZE,
    WALK_EXCERPT,
    WALK_COUNT,
    WALK_TEXT,
    WALK_IMAGE,
};

struct walk_plan {
    size_t total;          /* units in the text, counted up to limit + 1 */
    size_t best_block;     /* most units at a block end <= limit, or 0 */
    size_t best_sentence;  /* most units at a sentence end <= limit, or 0 */
    bool last_is_sentence; /* (EXCERPT out) the last token ended a sentence */
};

struct walk_opts {
    enum walk_mode mode;
    const char *base_url;   /* borrowed; NULL or "" when none */
    struct buf *html;       /* SANITIZE, EXCERPT: output, may be NULL */
    struct buf *text;       /* EXCERPT, TEXT: output, may be NULL */
    size_t limit_units;     /* EXCERPT: stop past it; COUNT, SANITIZE
                               with a plan: plan bound */
    struct walk_plan *plan; /* COUNT: filled; EXCERPT: last_is_sentence;
                               SANITIZE: NULL, or filled as by COUNT */
    char **image;           /* IMAGE (SANITIZE: may be NULL): out, first
                               image URL or NULL; the caller frees it
                               with syn_free */
};

/* Parse html[0..len) as the children of a <div>. SYN_ETOOBIG past
 * SYN_MAX_HTML_BYTES; nesting past SYN_MAX_HTML_SCAN_DEPTH is cut off
 * before parsing. On SYN_OK *out is freed with html_doc_free(). */
enum syn_status html_doc_parse(const char *html, size_t len,
                               struct html_doc **out /* out */,
                               struct syn_err *err) SYN_NODISCARD;
void html_doc_free(struct html_doc *doc);

/* Which parser builds a doc. AUTO (what html_doc_parse() uses) tries the
 * fast parser of fastparse.h and falls back to gumbo for input outside
 * its subset; GUMBO forces gumbo, for the differential tests that compare
 * both paths. */
enum html_parser {
    HTML_PARSER_AUTO,
    HTML_PARSER_GUMBO,
};

/* html_doc_parse() with the parser chosen; *fast_used (may be NULL) says
 * whether the fast parser built the doc. valid_utf8: html is known to be
 * valid UTF-8, which the fast parser then does not check again (see
 * html_fast_parse()). */
enum syn_status html_doc_parse_with(const char *html, size_t len,
                                    bool valid_utf8, enum html_parser parser,
                                    struct html_doc **out /* out */,
                                    bool *fast_used /* out */,
                                    struct syn_err *err) SYN_NODISCARD;

/* Walk doc as o says; errors are those of the output buffers (SYN_ENOMEM,
 * SYN_ETOOBIG) and of URL resolution's allocations. On error the output
 * buffers hold a partial result that the caller discards. */
enum syn_status html_doc_walk(const struct html_doc *doc,
                              const struct walk_opts *o,
                              struct syn_err *err) SYN_NODISCARD;

/* The excerpt of an already parsed doc (html_excerpt() without the
 * parse), URLs resolved against base_url; see excerpt.h for the rules. On
 * error the outputs are left as they were. */
enum syn_status html_excerpt_doc(const struct html_doc *doc,
                                 const char *base_url, size_t max_words,
                                 struct buf *out_html, struct buf *out_text,
                                 struct syn_err *err) SYN_NODISCARD;

/* The plan bound (limit_units) of an excerpt of max_words words. */
size_t html_excerpt_units(size_t max_words);

/* html_excerpt_doc() when the counting pass is done: *plan is what a walk
 * with that plan and limit_units = html_excerpt_units(max_words) filled
 * (WALK_COUNT, or WALK_SANITIZE with the plan). */
enum syn_status html_excerpt_doc_planned(const struct html_doc *doc,
                                         const char *base_url, size_t max_words,
                                         const struct walk_plan *plan,
                                         struct buf *out_html,
                                         struct buf *out_text,
                                         struct syn_err *err) SYN_NODISCARD;

#endif
