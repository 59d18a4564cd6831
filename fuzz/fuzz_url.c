/* libFuzzer target: util/url_canon on arbitrary bytes. Invariants: a
 * canonical URL is an absolute http(s) URL without fragment, space or
 * control byte, ASCII after the host, and canonicalizing it again changes
 * nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/url_canon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), *out = NULL, *again = NULL;
    size_t i;

    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (url_canon(s, &out, NULL) == SYN_OK) {
        if (strncmp(out, "http://", 7) != 0 &&
            strncmp(out, "https://", 8) != 0) {
            abort();
        }
        /* Past the host, everything is escaped ASCII. */
        const char *path = strchr(out + 8, '/');

        if (path == NULL) {
            abort();
        }
        for (i = 0; out[i] != '\0'; i++) {
            if ((unsigned char)out[i] <= ' ' || out[i] == '#' ||
                ((unsigned char)out[i] >= 0x7f && out + i >= path)) {
                abort();
            }
        }
        if (url_canon(out, &again, NULL) != SYN_OK || strcmp(out, again) != 0) {
            fprintf(stderr, "not a fixed point:\n%s\n%s\n", out,
                    again ? again : "(error)");
            abort();
        }
    }
    syn_free(again);
    syn_free(out);
    free(s);
    return 0;
}
