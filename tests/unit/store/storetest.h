/* Shared fixture of the store tests: a migrated SQLite file in a fresh
 * temporary folder (header-only; each test_*.c is its own executable). */
#ifndef SYNDIC_TESTS_STORE_STORETEST_H
#define SYNDIC_TESTS_STORE_STORETEST_H

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/mem.h"

struct fx {
    char dir[4096];
    char path[4200];
    struct store *s;
    struct syn_err err;
};

/* A fixed clock: tests never read the wall clock. */
#define T0 ((int64_t)1764400000) /* 2025-11-29 */

static inline int
fx_setup_nomigrate(void **state)
{
    struct fx *fx = calloc(1, sizeof(*fx));
    const char *dir = test_tmpdir();

    assert_non_null(fx);
    assert_non_null(dir);
    snprintf(fx->dir, sizeof(fx->dir), "%s", dir);
    snprintf(fx->path, sizeof(fx->path), "%s/test.db", fx->dir);
    assert_int_equal(store_open(fx->path, &fx->s, &fx->err), SYN_OK);
    *state = fx;
    return 0;
}

static inline int
fx_setup(void **state)
{
    struct fx *fx;

    fx_setup_nomigrate(state);
    fx = *state;
    if (store_migrate(fx->s, NULL, &fx->err) != SYN_OK) {
        fprintf(stderr, "migrate: %s\n", fx->err.msg);
        return -1;
    }
    return 0;
}

static inline int
fx_teardown(void **state)
{
    struct fx *fx = *state;

    store_close(fx->s);
    test_rmtree(fx->dir);
    free(fx);
    return 0;
}

/* Add a source with url and return its id. */
static inline int64_t
fx_source(struct fx *fx, const char *url)
{
    struct store_source in;
    int64_t id = 0;

    memset(&in, 0, sizeof(in));
    in.url = (char *)url;
    in.title = (char *)"A source";
    assert_int_equal(store_source_add(fx->s, &in, T0, &id, &fx->err), SYN_OK);
    assert_true(id > 0);
    return id;
}

/* Upsert a minimal item; returns its id. */
static inline int64_t
fx_item(struct fx *fx, int64_t source_id, const char *guid, const char *title,
        const char *text, int64_t published)
{
    struct store_item in;
    enum store_upsert res;
    char url[512];
    int64_t id = 0;

    memset(&in, 0, sizeof(in));
    snprintf(url, sizeof(url), "https://example.org/%s", guid);
    in.source_id = source_id;
    in.guid = (char *)guid;
    in.url = url;
    in.canonical_url = url;
    in.title = (char *)title;
    in.text = (char *)text;
    in.excerpt_text = (char *)text;
    in.content_hash = (char *)"h1";
    in.published = published;
    assert_int_equal(
        store_item_upsert(fx->s, &in, T0 + 1000, &res, &id, &fx->err), SYN_OK);
    assert_int_equal(res, STORE_INSERTED);
    return id;
}

#endif
