/* util/simhash: near copies are close, unrelated texts far apart. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/mem.h"
#include "util/simhash.h"

static const char *const vocab[] = {
    "government", "partners",  "network",  "report",   "water",    "school",
    "health",     "village",   "council",  "funding",  "climate",  "farmers",
    "harvest",    "rain",      "season",   "children", "teachers", "program",
    "support",    "community", "women",    "training", "market",   "prices",
    "rice",       "maize",     "drought",  "flood",    "road",     "bridge",
    "clinic",     "doctors",   "nurses",   "vaccine",  "campaign", "minister",
    "announced",  "yesterday", "week",     "month",    "year",     "project",
    "budget",     "million",   "dollars",  "local",    "national", "regional",
    "office",     "team",      "the",      "a",        "of",       "and",
    "in",         "to",        "for",      "with",     "on",       "by",
    "new",        "more",      "than",     "after",    "before",   "said",
    "says",       "will",      "has",      "have",     "was",      "were",
    "is",         "are",       "from",     "their",    "its",      "this",
    "that",       "which",     "election", "vote",     "court",    "ruling",
    "law",        "energy",    "solar",    "power",    "grid",     "homes",
    "youth",      "jobs",      "skills",   "digital",  "phones",   "radio",
    "station",    "listeners", "news",     "story",
};

static uint32_t
lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* A 200-word "article" from seed into b; word k is words[k]. */
static void
article(struct buf *b, uint32_t seed, size_t words[200])
{
    size_t k;

    buf_reset(b);
    for (k = 0; k < 200; k++) {
        words[k] = lcg(&seed) % SYN_ARRAY_LEN(vocab);
        assert_int_equal(buf_printf(b, "%s%s",
                                    k ? (k % 17 == 0 ? ". " : " ") : "",
                                    vocab[words[k]]),
                         SYN_OK);
    }
    assert_int_equal(buf_append_char(b, '.'), SYN_OK);
}

/* The same article with two words replaced, one inserted, one removed. */
static void
edited(struct buf *b, const size_t words[200])
{
    size_t k;

    buf_reset(b);
    for (k = 0; k < 200; k++) {
        const char *w = vocab[words[k]];

        if (k == 40) {
            w = "Minister"; /* replaced */
        }
        if (k == 120) {
            w = "reportedly";
        }
        if (k == 150)
            continue; /* removed */
        assert_int_equal(buf_printf(b, "%s%s", k ? " " : "", w), SYN_OK);
        if (k == 90) {
            assert_int_equal(buf_append_str(b, " also"), SYN_OK);
        }
    }
}

static void
test_near_and_far(void **state)
{
    struct buf a, e;
    size_t words[200];
    uint64_t prev = 0;
    int total = 0, n = 0;
    uint32_t seed;

    (void)state;
    buf_init(&a, 1 << 16);
    buf_init(&e, 1 << 16);
    for (seed = 1; seed <= 12; seed++) {
        uint64_t ha, he;
        int d;

        article(&a, seed * 7919u, words);
        edited(&e, words);
        ha = simhash_text(a.data, a.len);
        he = simhash_text(e.data, e.len);
        d = simhash_distance(ha, he);
        if (d > 12) {
            fail_msg("seed %u: edited copy at distance %d", seed, d);
        }
        total += d;
        n++;
        if (seed > 1) {
            int far = simhash_distance(ha, prev);

            if (far <= 20) {
                fail_msg("seed %u: unrelated articles at distance %d", seed,
                         far);
            }
        }
        prev = ha;
    }
    /* A light edit moves a handful of bits on average. */
    if (total < 2 * n || total > 8 * n) {
        fail_msg("mean distance of light edits %d/%d", total, n);
    }
    buf_fini(&a);
    buf_fini(&e);
}

static void
test_normalization(void **state)
{
    static const struct {
        const char *a, *b;
        int max_d;
    } cases[] = {
        {"The Minister announced new funding for rural clinics today",
         "the minister ANNOUNCED new funding, for rural clinics -- today!", 0},
        {"École de la République française", "école de la république FRANÇAISE",
         0},
        {"ПРАВИТЕЛЬСТВО объявило новую программу",
         "правительство объявило новую программу", 0},
        {"政府宣布了新的农村诊所资助计划", "政府宣布了新的农村诊所资助计划。",
         0},
        {"政府宣布了新的农村诊所资助计划，今天在首都举行的记者会上",
         "政府宣布了新的农村医院资助计划，今天在首都举行的记者会上", 16},
        {"a\xff\xfe b", "a b", 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        int d = simhash_distance(simhash_text(cases[i].a, strlen(cases[i].a)),
                                 simhash_text(cases[i].b, strlen(cases[i].b)));

        if (d > cases[i].max_d) {
            fail_msg("case %zu: distance %d > %d", i, d, cases[i].max_d);
        }
    }
    /* Texts without tokens. */
    assert_true(simhash_text("", 0) == 0);
    assert_true(simhash_text(" ,.;!? -- ", 10) == 0);
    /* One token still has a fingerprint, and word order matters. */
    assert_true(simhash_text("hello", 5) != 0);
    assert_true(simhash_text("dog bites man", 13) !=
                simhash_text("man bites dog", 13));
}

/* Fingerprints are stored: a new version must compute the same ones,
 * or old and new items stop matching. */
static void
test_stable_values(void **state)
{
    static const struct {
        const char *text;
        uint64_t want;
    } cases[] = {
        {"The quick brown fox jumps over the lazy dog.",
         UINT64_C(0x18d954a006768615)},
        {"Ünïcödé Straße ΑΒΓ Привет мир", UINT64_C(0x12c4b80017242189)},
        {"北京欢迎你 東京タワー 서울", UINT64_C(0xffc83780dbf0af67)},
        {"one", UINT64_C(0x629927f46b944038)},
        {"x, y; z! 42 — 7", UINT64_C(0x30124001c6480d88)},
        {"", 0},
    };
    char long_text[4096];
    size_t i, len = 0;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        assert_int_equal(simhash_text(cases[i].text, strlen(cases[i].text)),
                         cases[i].want);
    }
    /* "w0 w1 ... w599": more features than one count lane holds. */
    for (i = 0; i < 600; i++) {
        len += (size_t)snprintf(long_text + len, sizeof(long_text) - len,
                                i > 0 ? " w%zu" : "w%zu", i);
    }
    assert_int_equal(simhash_text(long_text, len),
                     UINT64_C(0xc9af552c72089313));
}

static void
test_distance_and_hash(void **state)
{
    static const struct {
        uint64_t a, b;
        int d;
    } cases[] = {
        {0, 0, 0},
        {0, ~0ULL, 64},
        {0xffULL, 0x0fULL, 4},
        {1ULL << 63, 1, 2},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        assert_int_equal(simhash_distance(cases[i].a, cases[i].b), cases[i].d);
    }
    /* The parallel count agrees with counting bit by bit. */
    for (i = 0; i < 1000; i++) {
        uint64_t a = simhash_hash64(&i, sizeof(i)), b = a * 3 + i;
        int want = 0, bit;

        for (bit = 0; bit < 64; bit++) {
            want += (int)(((a ^ b) >> bit) & 1);
        }
        assert_int_equal(simhash_distance(a, b), want);
    }
    /* Neighbouring inputs give unrelated hashes (avalanche). */
    {
        int d =
            simhash_distance(simhash_hash64("a", 1), simhash_hash64("b", 1));

        assert_true(d > 16 && d < 48);
    }
    assert_true(simhash_hash64("", 0) != simhash_hash64("\0", 1));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_near_and_far),
        cmocka_unit_test(test_normalization),
        cmocka_unit_test(test_stable_values),
        cmocka_unit_test(test_distance_and_hash),
    };

    /* simhash allocates nothing: no allocation-failure rerun applies. */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
