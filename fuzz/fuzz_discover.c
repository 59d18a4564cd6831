/* libFuzzer target: html/discover. Invariants: every announced feed is an
 * absolute http(s) URL, at most SYN_MAX_DISCOVER_FEEDS, best rank first,
 * no duplicates; the sniffer accepts any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html/discover.h"
#include "util/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct discover_list l;
    char ct[64];
    size_t i, k, n = size < sizeof(ct) - 1 ? size : sizeof(ct) - 1;

    /* The first bytes double as a Content-Type. */
    memcpy(ct, data, n);
    ct[n] = '\0';
    (void)discover_sniff(ct, (const char *)data, size);
    discover_list_init(&l);
    if (discover_feeds((const char *)data, size,
                       "https://fuzz.example/dir/page.html", &l,
                       NULL) == SYN_OK) {
        if (l.n_feeds > SYN_MAX_DISCOVER_FEEDS) {
            abort();
        }
        for (i = 0; i < l.n_feeds; i++) {
            if (strncmp(l.feeds[i].url, "http://", 7) != 0 &&
                strncmp(l.feeds[i].url, "https://", 8) != 0) {
                abort();
            }
            if (i > 0 && l.feeds[i - 1].rank > l.feeds[i].rank) {
                abort();
            }
            for (k = 0; k < i; k++) {
                if (strcmp(l.feeds[k].url, l.feeds[i].url) == 0) {
                    abort();
                }
            }
        }
    }
    discover_list_fini(&l);
    return 0;
}
