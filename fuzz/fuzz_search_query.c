/* Fuzz the search path: any bytes as a user query must give SYN_OK from
 * store_item_search() (never an FTS5 syntax error), and the prepared
 * index text must stay valid UTF-8 without control bytes.
 * One in-memory store is opened for the whole run (harness state only). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *fuzz_store;

static struct store *
open_store(void)
{
    struct store_source src;
    struct store_item item;
    struct syn_err err;
    int64_t sid = 0;

    if (fuzz_store != NULL)
        return fuzz_store;
    if (store_open(":memory:", &fuzz_store, &err) != SYN_OK ||
        store_migrate(fuzz_store, NULL, &err) != SYN_OK) {
        __builtin_trap();
    }
    memset(&src, 0, sizeof(src));
    src.url = (char *)"https://example.org/feed";
    if (store_source_add(fuzz_store, &src, 1, &sid, &err) != SYN_OK) {
        __builtin_trap();
    }
    memset(&item, 0, sizeof(item));
    item.source_id = sid;
    item.guid = (char *)"1";
    item.url = (char *)"https://example.org/1";
    item.content_hash = (char *)"h";
    item.title = (char *)"Water and 北京 news";
    item.text = (char *)"Москва السلام water near the river";
    if (store_item_upsert(fuzz_store, &item, 1, NULL, NULL, &err) != SYN_OK) {
        __builtin_trap();
    }
    return fuzz_store;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct store_item_list *hits = NULL;
    struct syn_err err;
    struct buf b;
    char *query;
    size_t i;

    if (size > 8192)
        return 0;
    query = syn_strndup((const char *)data, size);
    if (query == NULL)
        return 0;
    buf_init(&b, 1 << 16);
    if (store_fts_prepare_text((const char *)data, size, &b) == SYN_OK) {
        if (!utf8_valid(buf_cstr(&b), b.len)) {
            __builtin_trap();
        }
        for (i = 0; i < b.len; i++) {
            if ((unsigned char)b.data[i] < 0x20) {
                __builtin_trap();
            }
        }
    }
    buf_fini(&b);
    if (store_item_search(open_store(), query, 0, 5, &hits, &err) != SYN_OK) {
        __builtin_trap();
    }
    store_item_list_free(hits);
    syn_free(query);
    return 0;
}
