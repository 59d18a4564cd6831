/* libFuzzer target: feed/opml. Invariant: whatever parses exports to a
 * document that parses back to the same feed URLs, in order. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/opml.h"
#include "util/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
has_control(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20)
            return 1;
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct opml_doc *d = NULL, *again = NULL;
    struct buf b;
    size_t i;

    buf_init(&b, 8u * SYN_MAX_OPML_BYTES);
    if (opml_parse((const char *)data, size, &d, NULL) != SYN_OK)
        goto out;
    if (opml_export(d->feeds, d->n_feeds, d->title, &b, NULL) != SYN_OK) {
        abort();
    }
    if (opml_parse(b.data, b.len, &again, NULL) != SYN_OK) {
        fprintf(stderr, "export does not parse:\n%s\n", b.data);
        abort();
    }
    for (i = 0; i < d->n_feeds; i++) {
        if (has_control(d->feeds[i].xml_url))
            goto out; /* dropped by export on purpose */
    }
    if (again->n_feeds != d->n_feeds) {
        abort();
    }
    for (i = 0; i < d->n_feeds; i++) {
        if (strcmp(d->feeds[i].xml_url, again->feeds[i].xml_url) != 0) {
            fprintf(stderr, "url changed: '%s' -> '%s'\n", d->feeds[i].xml_url,
                    again->feeds[i].xml_url);
            abort();
        }
    }
out:
    opml_free(d);
    opml_free(again);
    buf_fini(&b);
    return 0;
}
