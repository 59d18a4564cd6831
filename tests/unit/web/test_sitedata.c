/* The web fixture site: written through the store and read back the way
 * the pages read it. Run as `unit_web_test_sitedata --write DB` it only
 * writes the site into DB (tests/integration/test_web.py and the browser
 * test use it that way). */
#include "testutil.h"

#include <stdlib.h>

#include "sitedata.h"
#include "util/mem.h"

static void
test_site_reads_back(void **state)
{
    const char *dir = test_tmpdir();
    char path[4200];
    struct store *s = NULL;
    struct store_item_list *page = NULL, *found = NULL, *also = NULL;
    struct store_item_query q;
    struct syn_err err;

    (void)state;
    snprintf(path, sizeof(path), "%s/site.db", dir);
    assert_int_equal(store_open(path, &s, &err), SYN_OK);
    assert_int_equal(store_migrate(s, NULL, &err), SYN_OK);
    if (site_populate(s, &err) != SYN_OK) {
        fail_msg("populate: %s", err.msg);
    }
    memset(&q, 0, sizeof(q));
    q.limit = 20;
    assert_int_equal(store_item_page(s, &q, &page, &err), SYN_OK);
    assert_int_equal(page->n, 20);
    assert_true(page->more);
    /* Newest first: the last fixture. */
    assert_string_equal(page->v[0].title, site_items[5].title);
    assert_int_equal(
        store_item_search(s, "\xe5\x8c\x97\xe4\xba\xac", 0, 10, &found, &err),
        SYN_OK);
    assert_true(found->n >= 1);
    assert_int_equal(
        store_item_cluster_members(s, page->v[5].id, 10, &also, &err), SYN_OK);
    assert_int_equal(also->n, 1);
    store_item_list_free(page);
    store_item_list_free(found);
    store_item_list_free(also);
    store_close(s);
    test_rmtree(dir);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_site_reads_back),
    };

    if (argc == 3 && strcmp(argv[1], "--write") == 0) {
        struct store *s = NULL;
        struct syn_err err;

        if (store_open(argv[2], &s, &err) != SYN_OK ||
            store_migrate(s, NULL, &err) != SYN_OK ||
            site_populate(s, &err) != SYN_OK) {
            fprintf(stderr, "sitedata: %s\n", err.msg);
            store_close(s);
            return 1;
        }
        store_close(s);
        return 0;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
