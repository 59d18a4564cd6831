/* Shared helpers for cmocka unit tests. Include after cmocka's prerequisites
 * (this header includes them itself, in the order cmocka needs). */
#ifndef SYNDIC_TESTS_TESTUTIL_H
#define SYNDIC_TESTS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/err.h"

/* Path of a fixture under tests/data (from SYNDIC_TEST_DATA); static
 * storage, valid until the next call. */
const char *test_data_path(const char *rel);

/* Read a whole file into a new NUL-terminated string (syn_free it); NULL
 * when it cannot be read. */
char *test_read_file(const char *path, size_t *len /* out, may be NULL */);

/* A fresh empty directory under $TMPDIR; static storage, valid until the
 * next call. Removed by the caller with test_rmtree(). */
const char *test_tmpdir(void);
void test_rmtree(const char *path);

/* Run fn(state) with the Nth allocation failing, for N = 1, 2, ... until a
 * run makes fewer than N allocations; fn must return SYN_OK or an error
 * and leak nothing (ASan checks). Returns the number of runs. */
typedef enum syn_status (*test_alloc_fn)(void *state);
int test_alloc_failures(test_alloc_fn fn, void *state);

#endif
