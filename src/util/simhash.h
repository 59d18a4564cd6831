/* SimHash (Charikar 2002) of text, for near-duplicate clustering: two
 * versions of the same story (a headline fix, a reworded sentence, another
 * partner's boilerplate) get fingerprints a few bits apart, unrelated
 * stories about 32 bits apart (half of 64).
 *
 * Features: the text is split into tokens, then every pair of adjacent
 * tokens (a 2-token shingle) is one feature, weighted by its count; a text
 * of a single token uses that token. Tokens:
 *  - runs of letters and digits: ASCII lower-cased; letters of Latin-1,
 *    Latin Extended-A, Greek and Cyrillic lower-cased by their simple
 *    case mapping; other alphabetic scripts (Arabic, Hebrew, Indic ...)
 *    taken as they are;
 *  - each CJK ideograph, kana or Hangul syllable is a token by itself (no
 *    spaces between words there), so its shingles are character bigrams;
 *  - everything else (spaces, punctuation, symbols, bad UTF-8) separates.
 * Each feature is hashed to 64 bits (FNV-1a on bytes, then a 64-bit
 * avalanche finalizer so that every output bit depends on every input
 * bit); bit i of the fingerprint is set when the weighted votes of bit i
 * are positive.
 *
 * Pure, allocation-free, O(len). Thread rules: safe from any thread. */
#ifndef SYNDIC_UTIL_SIMHASH_H
#define SYNDIC_UTIL_SIMHASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit SimHash of UTF-8 text s[0..len). 0 for text without tokens. */
uint64_t simhash_text(const char *s, size_t len);

/* Hamming distance between two fingerprints (0..64). */
static inline int
simhash_distance(uint64_t a, uint64_t b)
{
    /* Bits set in a ^ b, counted in parallel (no call into the compiler's
     * runtime where the target has no popcount instruction; loops over
     * many fingerprints vectorize). */
    uint64_t x = a ^ b;

    x -= (x >> 1) & UINT64_C(0x5555555555555555);
    x = (x & UINT64_C(0x3333333333333333)) +
        ((x >> 2) & UINT64_C(0x3333333333333333));
    x = (x + (x >> 4)) & UINT64_C(0x0F0F0F0F0F0F0F0F);
    return (int)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* The 64-bit hash used for features: FNV-1a then a finalizer. Exposed for
 * tests and for other keys that need a well-mixed 64-bit hash. */
uint64_t simhash_hash64(const void *p, size_t len);

#endif
