/* Shared helpers for cmocka unit tests (see testutil.h). */
#define _XOPEN_SOURCE 700
#include "testutil.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/mem.h"

const char *
test_data_path(const char *rel)
{
    static char path[4096];
    const char *root = getenv("SYNDIC_TEST_DATA");

    if (root == NULL) {
        root = "tests/data";
    }
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    return path;
}

char *
test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long size;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0)
        goto out;
    data = syn_malloc((size_t)size + 1);
    if (data == NULL)
        goto out;
    if (fread(data, 1, (size_t)size, f) != (size_t)size) {
        syn_free(data);
        data = NULL;
        goto out;
    }
    data[size] = '\0';
    if (len != NULL) {
        *len = (size_t)size;
    }
out:
    fclose(f);
    return data;
}

const char *
test_tmpdir(void)
{
    static char path[4096];
    const char *tmp = getenv("TMPDIR");

    snprintf(path, sizeof(path), "%s/syndic-test-XXXXXX",
             tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(path) == NULL)
        return NULL;
    return path;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void
test_rmtree(const char *path)
{
    (void)nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
test_alloc_failures(test_alloc_fn fn, void *state)
{
    long n;

    for (n = 1; n < 100000; n++) {
        long made;

        syn_mem_fail_after(n, 1);
        (void)fn(state);
        made = syn_mem_count();
        syn_mem_fail_after(0, 0);
        if (made < n)
            return (int)n;
    }
    return (int)n;
}
