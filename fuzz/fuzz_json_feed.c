/* libFuzzer target for the JSON Feed path of feed_parse(): the same entry
 * point as fuzz_parse.c, but seeded with JSON documents only
 * (fuzz/corpus/json_feed/), so that mutations stay in jansson and
 * read_json.c. Invariant: the JSON form of a parsed feed is valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>

#include "feed/parse.h"
#include "util/buf.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct syn_err err;
    struct feed *f = NULL;
    struct buf out;

    if (feed_parse((const char *)data, size, NULL, &f, &err) != SYN_OK)
        return 0;
    buf_init(&out, 64u << 20);
    if (feed_to_json(f, &out) != SYN_OK ||
        !utf8_valid(buf_cstr(&out), out.len)) {
        abort();
    }
    buf_fini(&out);
    feed_free(f);
    return 0;
}
