/* Internal to src/html: a fast parser for the common, unambiguous subset of
 * HTML fragments, which builds the same gumbo tree (GumboNode, GumboVector,
 * GumboAttribute) that gumbo would for that input, without running gumbo.
 *
 * It only fills what walk.c reads: node type, element tag and namespace,
 * attributes (lowercased name, decoded value), children, and the decoded
 * NUL-terminated text of text and whitespace nodes. Comments become
 * comment nodes (with empty text) so that text nodes split where gumbo's
 * do.
 *
 * Safety rule: it may refuse too often, never accept wrongly. For every
 * input it accepts, the tree is the one gumbo 0.10.1 builds for it parsed as
 * the children of a <div> (the walks then give byte-identical output), but
 * for what is inside an <svg>: walk.c drops foreign elements whole without
 * reading their attributes or children, so the svg element is built (SVG
 * namespace) with neither, its content only followed to find its end. It
 * refuses: MathML, in an svg anything but elements of unknown names and <a>
 * that close in order (no HTML integration points such as title, no tags
 * leaving foreign content, no CDATA), nested svg, RCDATA and other raw-text
 * elements than iframe, style and script, forms, buttons, select, object and
 * the like, misnesting that the adoption agency would repair, formatting
 * elements to reconstruct other than those below, implied closes other than
 * those below, text or other tags where a table only takes table parts
 * (foster parenting), tables left open at the end, character references it
 * does not know or that are decoded without ';', NUL, controls,
 * noncharacters, invalid UTF-8, a BOM, tokenizer errors (missing whitespace
 * between attributes, duplicate attributes, odd comments, '<' not starting a
 * tag, '/>' on non-void elements).
 * Rules implemented exactly: void elements; <p> closed by a block start
 * while only formatting elements are open in it; the li/dd/dt closing loop;
 * end tags of blocks, p, li, dd, dt, headings, cells and captions popping
 * the elements above them; tables with their implied tbody and tr and the
 * closing of cells, rows and sections by the next part or end tag; raw text
 * of iframe, style and script (without "<!--"); the newline dropped after
 * <pre> and <listing>; ignored tokens (html, head, body, end tags matching
 * no open element outside table modes, headings' end tags while no heading
 * is open, </col> in a column group), which do not split text nodes; CR LF
 * and a lone CR read as LF (gumbo's input stream does that first); </br>
 * read as <br>; </p> without <p> giving an empty <p>; rt and rp right inside
 * ruby; elements left open at the end; formatting elements popped by one
 * block's closing (<p><a><h2>): kept as gumbo keeps them in its list of
 * active formatting elements and reopened as copies before the next text or
 * ordinary start tag, their end tag meanwhile only forgetting them (tables,
 * voids, raw text and <a> are not tried while some are pending).
 *
 * The differential tests (tests/unit/html/test_fastpath.c, fuzz/
 * fuzz_fastpath.c) compare both paths' outputs on every accepted input.
 * Thread rules: none; all state is in the call. */
#ifndef SYNDIC_HTML_FASTPARSE_H
#define SYNDIC_HTML_FASTPARSE_H

#include <gumbo.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/compiler.h"
#include "util/err.h"

/* Parse html[0..len) into nodes allocated from a. On SYN_OK, *root is the
 * root element (its children are the fragment's nodes) or NULL when the
 * input is not in the simple subset. valid_utf8: the caller knows html is
 * valid UTF-8 (a feed model string), so the input check only decodes the
 * sequences that can hold a refused code point; the result is the same as
 * without it for such input (and undefined, though memory-safe, for
 * other input). SYN_ENOMEM on allocation failure (what a holds is then
 * garbage, freed with it). The tree borrows nothing from html; its text
 * is always valid UTF-8 without controls, C1 controls or noncharacters. */
enum syn_status html_fast_parse(const char *html, size_t len, bool valid_utf8,
                                struct arena *a, GumboNode **root /* out */,
                                struct syn_err *err) SYN_NODISCARD;

#endif
