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
 * input it accepts, the tree is the one gumbo builds for it parsed as the
 * children of a <div> (the walks then give byte-identical output); for
 * anything else (raw text and foreign elements, tables, forms, misnested
 * or implicitly closed elements other than the few exact rules below,
 * unknown character references, CR, NUL, controls, invalid UTF-8, parse
 * errors of the tokenizer) it says "not simple" and the caller uses gumbo.
 * Rules implemented exactly: void elements, "<p>" closed by a block start
 * while it is the current element, "<li>"/"<dd>"/"<dt>" closed by the next
 * one while it is the current element, the newline dropped after <pre> and
 * <listing>, elements left open at the end of input.
 *
 * The differential tests (tests/unit/html/test_fastpath.c, fuzz/
 * fuzz_fastpath.c) compare both paths' outputs on every accepted input.
 * Thread rules: none; all state is in the call. */
#ifndef SYNDIC_HTML_FASTPARSE_H
#define SYNDIC_HTML_FASTPARSE_H

#include <gumbo.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/compiler.h"
#include "util/err.h"

/* Parse html[0..len) into nodes allocated from a. On SYN_OK, *root is the
 * root element (its children are the fragment's nodes) or NULL when the
 * input is not in the simple subset. SYN_ENOMEM on allocation failure
 * (what a holds is then garbage, freed with it). The tree borrows nothing
 * from html. */
enum syn_status html_fast_parse(const char *html, size_t len, struct arena *a,
                                GumboNode **root /* out */,
                                struct syn_err *err) SYN_NODISCARD;

#endif
