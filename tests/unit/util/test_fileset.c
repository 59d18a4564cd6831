/* util/fileset: embedded defaults, directory overrides, limits. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fileset.h"
#include "util/mem.h"

static const struct syn_embedded table[] = {
    {"mail/a.txt", "A", 1},
    {"mail/b.txt", "B", 1},
    {"templates/x.html", "X", 1},
    {NULL, NULL, 0},
};

static void
write_file(const char *dir, const char *rel, const char *text)
{
    char path[1024];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static const struct fileset_file *
find(const struct fileset *f, const char *name)
{
    size_t i;

    for (i = 0; i < f->n; i++) {
        if (strcmp(f->v[i].name, name) == 0)
            return &f->v[i];
    }
    return NULL;
}

/* A theme folder: mail/b.txt overrides, mail/c.txt adds, a dot file and a
 * sub-folder are skipped. */
static const char *
make_theme(void)
{
    const char *dir = test_tmpdir();
    char sub[1024];

    snprintf(sub, sizeof(sub), "%s/mail", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof(sub), "%s/mail/deeper", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    write_file(dir, "mail/b.txt", "theirs");
    write_file(dir, "mail/c.txt", "new");
    write_file(dir, "mail/.hidden", "no");
    return dir;
}

static void
test_overrides(void **state)
{
    const char *dir = make_theme();
    struct syn_err err = {SYN_OK, ""};
    struct fileset f;
    const struct fileset_file *b;

    (void)state;
    fileset_init(&f, 8);
    assert_int_equal(fileset_put_embedded(&f, table, "mail/", &err), SYN_OK);
    assert_int_equal(f.n, 2);
    assert_null(find(&f, "templates/x.html"));
    assert_int_equal(fileset_read_dir(&f, dir, "mail", 100, &err), SYN_OK);
    assert_int_equal(fileset_read_dir(&f, dir, "absent", 100, &err), SYN_OK);
    assert_int_equal(f.n, 3);
    assert_string_equal(find(&f, "mail/a.txt")->data, "A");
    assert_null(find(&f, "mail/a.txt")->path);
    b = find(&f, "mail/b.txt");
    assert_string_equal(b->data, "theirs");
    assert_int_equal(b->len, 6);
    assert_non_null(strstr(b->path, "/mail/b.txt"));
    assert_string_equal(find(&f, "mail/c.txt")->data, "new");
    assert_null(find(&f, "mail/.hidden"));
    fileset_fini(&f);
    assert_int_equal(f.n, 0);

    /* limits: a file past max_bytes, more files than max */
    fileset_init(&f, 8);
    assert_int_equal(fileset_read_dir(&f, dir, "mail", 4, &err), SYN_ETOOBIG);
    assert_non_null(strstr(err.msg, "file too large"));
    fileset_fini(&f);
    fileset_init(&f, 2);
    assert_int_equal(fileset_put_embedded(&f, table, "", &err), SYN_ETOOBIG);
    fileset_fini(&f);
    test_rmtree(dir);
}

static enum syn_status
load(void *state)
{
    const char *dir = state;
    struct syn_err err;
    struct fileset f;
    enum syn_status st;

    fileset_init(&f, 8);
    st = fileset_put_embedded(&f, table, "", &err);
    if (st == SYN_OK) {
        st = fileset_read_dir(&f, dir, "mail", 100, &err);
    }
    fileset_fini(&f);
    return st;
}

static void
test_alloc_failure(void **state)
{
    char dir[1024];

    (void)state;
    snprintf(dir, sizeof(dir), "%s", make_theme());
    assert_true(test_alloc_failures(load, dir) > 1);
    test_rmtree(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_alloc_failure),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
