/* Fuzz target: decode a hostile request target the way the server does:
 * split at '?', decode the path, parse the query as a form, route it.
 * Invariants: a decoded path starts with '/', holds valid UTF-8, no
 * control byte, no "." or ".." segment; every decoded value is valid
 * UTF-8 within SYN_MAX_QUERY_BYTES. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/limits.h"
#include "util/utf8.h"
#include "web/query.h"
#include "web/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_path(const char *p)
{
    size_t n = strlen(p), i;

    if (p[0] != '/' || !utf8_valid(p, n)) {
        __builtin_trap();
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char)p[i] < 0x20 || p[i] == '\\') {
            __builtin_trap();
        }
    }
    if (strstr(p, "/../") != NULL || strstr(p, "/./") != NULL ||
        (n >= 3 && strcmp(p + n - 3, "/..") == 0) ||
        (n >= 2 && strcmp(p + n - 2, "/.") == 0)) {
        __builtin_trap();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *q = memchr(s, '?', size);
    size_t path_len = q != NULL ? (size_t)(q - s) : size;
    struct arena a;
    struct syn_err err;
    struct web_params p;
    const char *path;
    size_t i;

    arena_init(&a, 4096, 0);
    if (web_path_decode(s, path_len, &a, &path, &err) == SYN_OK) {
        char *copy = arena_strdup(&a, path);
        const char *args[WEB_ROUTE_MAX_ARGS];
        size_t n_args;

        check_path(path);
        if (copy != NULL) {
            (void)web_route_match(copy, args, &n_args);
        }
    }
    if (q != NULL &&
        web_params_parse(q + 1, size - path_len - 1, &a, &p, &err) == SYN_OK) {
        if (p.n > SYN_MAX_PARAMS) {
            __builtin_trap();
        }
        for (i = 0; i < p.n; i++) {
            if (p.items[i].value_len > SYN_MAX_QUERY_BYTES ||
                !utf8_valid(p.items[i].value, p.items[i].value_len) ||
                strlen(p.items[i].value) != p.items[i].value_len) {
                __builtin_trap();
            }
        }
    }
    arena_fini(&a);
    return 0;
}
