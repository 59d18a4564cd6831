/* libFuzzer target for feed_parse() (XML and JSON feeds): no crash, no
 * leak, and invariants on success: the JSON form is valid UTF-8 and the
 * same bytes always give the same JSON (the parser has no hidden state).
 * Seeds: fuzz/corpus/parse/ (the project's own fixtures). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed/parse.h"
#include "util/buf.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
to_json(const uint8_t *data, size_t size, struct buf *out)
{
    struct feed_parse_opts opts = {"https://fuzz.example/feed/", NULL};
    struct syn_err err;
    struct feed *f = NULL;

    if (feed_parse((const char *)data, size, &opts, &f, &err) != SYN_OK)
        return 0;
    if (feed_to_json(f, out) != SYN_OK) {
        abort();
    }
    feed_free(f);
    return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf a, b;

    buf_init(&a, 64u << 20);
    buf_init(&b, 64u << 20);
    if (to_json(data, size, &a)) {
        if (!utf8_valid(buf_cstr(&a), a.len)) {
            abort();
        }
        if (!to_json(data, size, &b) || a.len != b.len ||
            memcmp(a.data, b.data, a.len) != 0) {
            abort();
        }
    }
    buf_fini(&a);
    buf_fini(&b);
    return 0;
}
