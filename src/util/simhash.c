/* SimHash over 2-token shingles (see simhash.h). Tokens are hashed on the
 * fly, byte by byte, so nothing is allocated. */
#include "util/simhash.h"

#include <stdbool.h>
#include <string.h>

#include "util/ascii.h"
#include "util/utf8.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* MurmurHash3's fmix64 (public domain): full avalanche of 64 bits. */
static uint64_t
sim_fmix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

uint64_t
simhash_hash64(const void *p, size_t len)
{
    const unsigned char *b = p;
    uint64_t h = FNV_OFFSET;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= b[i];
        h *= FNV_PRIME;
    }
    return sim_fmix64(h ^ len);
}

enum sim_class { SIM_SEP, SIM_WORD, SIM_SINGLE };

/* Class of a code point, and its lower-case form in *lower. */
static enum sim_class
sim_classify(uint32_t cp, uint32_t *lower)
{
    *lower = cp;
    if (cp < 0x80) {
        if (!ascii_isalnum((int)cp))
            return SIM_SEP;
        *lower = (uint32_t)ascii_tolower((int)cp);
        return SIM_WORD;
    }
    /* CJK: each character is a token. */
    if ((cp >= 0x3040 && cp <= 0x30ff) || /* kana */
        (cp >= 0x3400 && cp <= 0x4dbf) || /* CJK extension A */
        (cp >= 0x4e00 && cp <= 0x9fff) || /* CJK unified */
        (cp >= 0xac00 && cp <= 0xd7af) || /* Hangul syllables */
        (cp >= 0xf900 && cp <= 0xfaff) || /* CJK compatibility */
        (cp >= 0x20000 && cp <= 0x3134f)) /* CJK extensions B..G */
        return SIM_SINGLE;
    /* Separators and symbols outside letters: Latin-1 punctuation,
     * general punctuation, CJK punctuation, fullwidth forms' symbols. */
    if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7 ||
        (cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
        (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff0f) ||
        (cp >= 0xff1a && cp <= 0xff20) || cp == 0xfffd || cp == 0xfeff)
        return SIM_SEP;
    if (cp >= 0xc0 && cp <= 0xde) /* Latin-1 capitals (0xd7 handled) */
        *lower = cp + 0x20;
    else if (cp == 0x178) {
        *lower = 0xff; /* Ÿ */
    } else if (cp >= 0x100 && cp <= 0x17f && cp != 0x130 && cp != 0x131 &&
               cp != 0x138 && cp != 0x149 && cp != 0x17f) {
        *lower = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179)
                     ? (cp % 2 == 1 ? cp + 1 : cp)
                     : (cp % 2 == 0 ? cp + 1 : cp);
    } else if (cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2) {
        *lower = cp + 0x20; /* Greek capitals */
    } else if (cp >= 0x410 && cp <= 0x42f) {
        *lower = cp + 0x20; /* Cyrillic А..Я */
    } else if (cp >= 0x400 && cp <= 0x40f) {
        *lower = cp + 0x50; /* Cyrillic Ѐ..Џ */
    }
    return SIM_WORD;
}

/* Votes are counts of features with each bit set: bit b wins when more
 * than half of the features have it. They are counted eight bits at a
 * time, in the bytes of lanes[]: byte k of lanes[j] counts bit 8 j + k,
 * and is added to ones[] before it can overflow. */
#define SIM_LANE_MAX 255u

struct sim_state {
    uint64_t lanes[8];
    unsigned in_lanes; /* features counted in lanes[] */
    uint32_t ones[64];
    uint64_t prev; /* hash of the previous token */
    bool have_prev;
    uint64_t first; /* the first token, for one-token texts */
    size_t tokens;
    size_t features;
};

static void
sim_lanes_flush(struct sim_state *st)
{
    int j, k;

    for (j = 0; j < 8; j++) {
        for (k = 0; k < 8; k++) {
            st->ones[8 * j + k] += (uint32_t)(st->lanes[j] >> (8 * k)) & 0xff;
        }
        st->lanes[j] = 0;
    }
    st->in_lanes = 0;
}

static void
sim_vote(struct sim_state *st, uint64_t h)
{
    int j;

    for (j = 0; j < 8; j++) {
        /* Byte k of spread is 1 when bit k of this byte of h is set: copy
         * the byte into every lane, keep bit k in lane k, make it 0/1. */
        uint64_t x = ((h >> (8 * j)) & 0xff) * UINT64_C(0x0101010101010101);
        uint64_t spread = (((x & UINT64_C(0x8040201008040201)) +
                            UINT64_C(0x7f7f7f7f7f7f7f7f)) &
                           UINT64_C(0x8080808080808080)) >>
                          7;

        st->lanes[j] += spread;
    }
    if (++st->in_lanes == SIM_LANE_MAX) {
        sim_lanes_flush(st);
    }
    st->features++;
}

static void
sim_token(struct sim_state *st, uint64_t tok)
{
    tok = sim_fmix64(tok);
    if (st->have_prev) {
        sim_vote(st, sim_fmix64(st->prev * 0x9e3779b97f4a7c15ULL ^ tok));
    } else {
        st->first = tok;
    }
    st->prev = tok;
    st->have_prev = true;
    st->tokens++;
}

uint64_t
simhash_text(const char *s, size_t len)
{
    struct sim_state st;
    uint64_t word = FNV_OFFSET;
    bool in_word = false;
    uint64_t fp = 0;
    size_t i = 0;
    int b;

    memset(&st, 0, sizeof(st));
    while (i < len) {
        unsigned char c0 = (unsigned char)s[i];
        uint32_t cp, lower;
        size_t n;
        enum sim_class c;
        char enc[4];
        size_t k, m;

        if (c0 < 0x80) {
            /* ASCII, most text: what the general path below does. */
            i++;
            if (ascii_isalnum(c0)) {
                word = (word ^ (unsigned char)ascii_tolower(c0)) * FNV_PRIME;
                in_word = true;
            } else if (in_word) {
                sim_token(&st, word);
                word = FNV_OFFSET;
                in_word = false;
            }
            continue;
        }
        n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            n = 1; /* bad byte: a separator */
            cp = 0xfffd;
        }
        i += n;
        c = sim_classify(cp, &lower);
        if (c != SIM_WORD && in_word) {
            sim_token(&st, word);
            word = FNV_OFFSET;
            in_word = false;
        }
        if (c == SIM_SEP)
            continue;
        m = utf8_encode(lower, enc);
        if (c == SIM_SINGLE) {
            uint64_t h = FNV_OFFSET;

            for (k = 0; k < m; k++) {
                h = (h ^ (unsigned char)enc[k]) * FNV_PRIME;
            }
            sim_token(&st, h);
            continue;
        }
        for (k = 0; k < m; k++) {
            word = (word ^ (unsigned char)enc[k]) * FNV_PRIME;
        }
        in_word = true;
    }
    if (in_word) {
        sim_token(&st, word);
    }
    if (st.tokens == 0)
        return 0;
    if (st.tokens == 1) {
        sim_vote(&st, st.first);
    }
    sim_lanes_flush(&st);
    for (b = 0; b < 64; b++) {
        if (2 * (uint64_t)st.ones[b] > st.features) {
            fp |= 1ULL << b;
        }
    }
    return fp;
}
