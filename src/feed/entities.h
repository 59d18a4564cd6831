/* HTML named character references for feeds that use them in XML, where
 * they are undefined (&nbsp;, &eacute;, ...), and for double-escaped text.
 * The table is the HTML 4.01 set (section 24: Latin-1, symbols, special),
 * which is what feeds use in practice, plus &apos;.
 * Thread rules: pure functions on static const data. */
#ifndef SYNDIC_FEED_ENTITIES_H
#define SYNDIC_FEED_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

/* Number of entries in the table. */
size_t feed_entity_count(void);

/* Index of the entity called name[0..len) (case-sensitive, as in HTML),
 * or -1 when there is none. */
long feed_entity_find(const char *name, size_t len);

/* The code point of entry i (< feed_entity_count()). */
uint32_t feed_entity_codepoint(size_t i);

/* Append s[0..len) to out with character references decoded: named ones
 * from the table, &#NNN; and &#xHH; (invalid ones become U+FFFD); an '&'
 * that starts no known reference is kept. Errors are buf's. */
enum syn_status feed_entities_decode(struct buf *out, const char *s,
                                     size_t len) SYN_NODISCARD;

#endif
