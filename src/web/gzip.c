/* gzip with zlib's deflate (see gzip.h). */
#include "web/gzip.h"

#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "util/ascii.h"
#include "util/mem.h"
#include "util/str.h"

/* Level 6 is zlib's default: within a few percent of 9 on HTML at a
 * third of the time, and a miss renders while a client waits. */
#define GZIP_LEVEL 6

enum syn_status
web_gzip(const char *in, size_t len, char **out, size_t *out_len,
         struct syn_err *err)
{
    z_stream z;
    uLong cap;
    char *dst;
    int rc;

    memset(&z, 0, sizeof(z));
    /* windowBits 15 + 16: a gzip wrapper instead of zlib's. */
    if (deflateInit2(&z, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return syn_err_set(err, SYN_ENOMEM, "deflateInit2 failed");
    cap = deflateBound(&z, (uLong)len);
    dst = syn_malloc(cap);
    if (dst == NULL) {
        deflateEnd(&z);
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)dst;
    z.avail_out = (uInt)cap;
    rc = deflate(&z, Z_FINISH);
    if (rc != Z_STREAM_END) {
        deflateEnd(&z);
        syn_free(dst);
        return syn_err_set(err, SYN_EIO, "deflate failed (%d)", rc);
    }
    *out_len = z.total_out;
    deflateEnd(&z);
    *out = dst;
    return SYN_OK;
}

/* Is the parameter list p[0..n) a "q=0", "q=0.0"...? */
static bool
q_is_zero(const char *p, size_t n)
{
    size_t i = 0;

    while (i < n && (p[i] == ' ' || p[i] == ';' || p[i] == '\t')) {
        i++;
    }
    if (n - i < 2 || ascii_tolower(p[i]) != 'q' || p[i + 1] != '=')
        return false;
    for (i += 2; i < n; i++) {
        if (p[i] != '0' && p[i] != '.' && p[i] != ' ')
            return false;
    }
    return true;
}

bool
web_accepts_gzip(const char *ae)
{
    const char *p = ae;

    if (ae == NULL)
        return false;
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        size_t tl;

        while (n > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        for (tl = 0; tl < n && p[tl] != ';' && p[tl] != ' '; tl++) {
            ;
        }
        if (((tl == 4 && str_ncasecmp(p, "gzip", 4) == 0) ||
             (tl == 1 && p[0] == '*')) &&
            !q_is_zero(p + tl, n - tl))
            return true;
        if (end == NULL)
            break;
        p = end + 1;
    }
    return false;
}
