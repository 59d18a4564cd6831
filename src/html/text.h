/* HTML to plain text for search indexing and SimHash: the text a reader
 * sees (the sanitizer's policy: no script, style or form-control content),
 * whitespace collapsed to single spaces, blocks separated by a space.
 * Thread rules: none; reentrant. */
#ifndef SYNDIC_HTML_TEXT_H
#define SYNDIC_HTML_TEXT_H

#include <stddef.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

/* Append the text of html[0..len) to out (UTF-8, no leading or trailing
 * space). SYN_ETOOBIG (input past SYN_MAX_HTML_BYTES, or out's max),
 * SYN_ENOMEM; on error out is left as it was. */
enum syn_status html_text(const char *html, size_t len, struct buf *out,
                          struct syn_err *err) SYN_NODISCARD;

#endif
