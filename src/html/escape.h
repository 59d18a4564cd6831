/* HTML escaping for text and attribute values (HTML5 serialization rules,
 * stricter: both quote kinds and both angle brackets are escaped, so the
 * same function is safe in text, in "double" and in 'single' quoted
 * attribute values). The web templates and the sanitizer share it.
 * Pure functions; thread-safe. */
#ifndef SYNDIC_HTML_ESCAPE_H
#define SYNDIC_HTML_ESCAPE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

/* Append s[0..len) to b with & < > " ' written as character references.
 * Bytes are copied otherwise unchanged (the caller validates UTF-8); NUL
 * bytes are dropped. Errors are buf's; on failure b is unchanged. */
enum syn_status html_escape_append(struct buf *b, const char *s, size_t len)
    SYN_NODISCARD;

#endif
