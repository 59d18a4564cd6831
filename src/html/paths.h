/* Internal to src/html (and its tests): html_clean() and html_sanitize()
 * with the HTML parser chosen, so that the differential tests and the
 * fastpath fuzzer can run the same input through the fast parser and
 * through gumbo and compare the outputs byte for byte. Other modules use
 * clean.h and sanitize.h, which always take HTML_PARSER_AUTO. */
#ifndef SYNDIC_HTML_PATHS_H
#define SYNDIC_HTML_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#include "html/clean.h"
#include "html/walk.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

/* html_clean() (clean.c) parsed by parser; *fast_used (may be NULL) is
 * set when the fast parser built the tree. */
enum syn_status
html_clean_with(const char *html, size_t len, const struct html_clean_opts *o,
                const struct html_clean_out *out, enum html_parser parser,
                bool *fast_used /* out */, struct syn_err *err) SYN_NODISCARD;

/* html_sanitize() (sanitize.c) parsed by parser. HTML_PARSER_GUMBO also
 * skips the plain-text shortcut, so that gumbo parses every input. */
enum syn_status html_sanitize_with(const char *html, size_t len,
                                   const char *base_url, struct buf *out,
                                   enum html_parser parser,
                                   bool *fast_used /* out */,
                                   struct syn_err *err) SYN_NODISCARD;

#endif
