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

/* Append s[0..len) to b with & < > " ' and CR written as character
 * references. Code points that HTML5 makes parse errors when raw (NUL and
 * other controls but TAB, LF, FF, CR; C1 controls; noncharacters) are
 * dropped; invalid UTF-8 becomes U+FFFD, so the result is always valid.
 * Errors are buf's; on failure b is unchanged. */
enum syn_status html_escape_append(struct buf *b, const char *s,
                                   size_t len) SYN_NODISCARD;

/* html_escape_append() for s known to be valid UTF-8 without the code
 * points it drops (C1 controls, noncharacters; e.g. the text of a tree
 * built by the fast parser, whose input check refuses them): the same
 * result for such input, without decoding the non-ASCII characters.
 * Other input is copied with its bytes >= 0x80 as they are. */
enum syn_status html_escape_valid_append(struct buf *b, const char *s,
                                         size_t len) SYN_NODISCARD;

#endif
