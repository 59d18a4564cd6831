/* libFuzzer target for html/fastparse: a differential check. Every input
 * goes through html_clean() and html_sanitize() as production runs them
 * (fast parser first) and forced through gumbo (html/paths.h); when the
 * fast parser accepted the input, every output must be byte-identical,
 * else the fuzzer aborts with both outputs. Inputs it refuses only have to
 * not crash. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/paths.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_OUT 6

struct outs {
    struct buf b[N_OUT]; /* safe, excerpt html, excerpt text, text, sanitize
                            with base, sanitize without */
    char *image;
};

static const char *const out_names[N_OUT] = {
    "safe_html", "excerpt_html", "excerpt_text",
    "text",      "sanitize",     "sanitize/nobase",
};

static bool
run(const char *in, size_t len, enum html_parser parser, struct outs *o)
{
    /* as production: valid_utf8 when it holds (feed model strings) */
    struct html_clean_opts opts = {"https://example.org/a/", 5, 12,
                                   parser == HTML_PARSER_AUTO &&
                                       utf8_valid(in, len)};
    struct html_clean_out out = {&o->b[0], &o->b[1], &o->b[2], &o->b[3],
                                 &o->image};
    struct syn_err err;
    bool fast = false, ignored;
    size_t i;

    for (i = 0; i < N_OUT; i++) {
        buf_init(&o->b[i], 1u << 24);
    }
    o->image = NULL;
    if (html_clean_with(in, len, &opts, &out, parser, &fast, &err) != SYN_OK)
        return false;
    if (html_sanitize_with(in, len, "https://example.org/a/", &o->b[4], parser,
                           &ignored, &err) != SYN_OK ||
        html_sanitize_with(in, len, NULL, &o->b[5], parser, &ignored, &err) !=
            SYN_OK)
        return false;
    return fast;
}

static void
outs_fini(struct outs *o)
{
    size_t i;

    for (i = 0; i < N_OUT; i++) {
        buf_fini(&o->b[i]);
    }
    syn_free(o->image);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct outs fast, slow;
    size_t i;

    if (run(in, size, HTML_PARSER_AUTO, &fast)) {
        (void)run(in, size, HTML_PARSER_GUMBO, &slow);
        for (i = 0; i < N_OUT; i++) {
            const struct buf *a = &fast.b[i], *b = &slow.b[i];

            if (a->len != b->len ||
                (a->len > 0 && memcmp(a->data, b->data, a->len) != 0)) {
                fprintf(stderr,
                        "fuzz_fastpath: %s differs\ninput: %.*s\nfast:  %.*s\n"
                        "gumbo: %.*s\n",
                        out_names[i], (int)size, in, (int)a->len,
                        a->data != NULL ? a->data : "", (int)b->len,
                        b->data != NULL ? b->data : "");
                abort();
            }
        }
        if ((fast.image == NULL) != (slow.image == NULL) ||
            (fast.image != NULL && strcmp(fast.image, slow.image) != 0)) {
            fprintf(stderr, "fuzz_fastpath: lead image differs\ninput: %.*s\n",
                    (int)size, in);
            abort();
        }
        outs_fini(&slow);
    }
    outs_fini(&fast);
    return 0;
}
