/* Canonical URLs for dedupe (see url_canon.h). libcurl parses and removes
 * dot segments; the percent-encoding and query rules are ours, because
 * curl's URL API keeps escapes as given. */
#include "util/url_canon.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/utf8.h"

static const char *const canon_tracking[] = {
    "fbclid",      "gclid",         "dclid",   "gbraid",    "wbraid",
    "msclkid",     "yclid",         "twclid",  "igshid",    "mc_cid",
    "mc_eid",      "_hsenc",        "_hsmi",   "__hstc",    "__hssc",
    "__hsfp",      "hsctatracking", "mkt_tok", "_ga",       "_gl",
    "oly_anon_id", "oly_enc_id",    "vero_id", "vero_conv", "rb_clickid",
    "s_cid",       "ref_src",       "ref_url",
};

bool
url_canon_is_tracking(const char *name, size_t len)
{
    struct str s = {name, len};
    size_t i;

    if (str_has_prefix_nocase(s, "utm_"))
        return true;
    for (i = 0; i < SYN_ARRAY_LEN(canon_tracking); i++) {
        if (str_eq_nocase(s, canon_tracking[i]))
            return true;
    }
    return false;
}

static bool
canon_unreserved(int c)
{
    return ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Characters kept literally in a path or query besides unreserved ones:
 * RFC 3986 sub-delims, ':' '@' '/' '?' (pchar and query). */
static bool
canon_keep(int c)
{
    return canon_unreserved(c) || strchr("!$&'()*+,;=:@/?", c) != NULL;
}

static int
canon_hexval(int c)
{
    if (ascii_isdigit(c))
        return c - '0';
    return ascii_tolower(c) - 'a' + 10;
}

/* Append s[0..len) to b with normalized percent-encoding. */
static enum syn_status
canon_append_escaped(struct buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    enum syn_status st = SYN_OK;
    size_t i;

    for (i = 0; i < len && st == SYN_OK; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '%' && i + 2 < len &&
            ascii_isxdigit((unsigned char)s[i + 1]) &&
            ascii_isxdigit((unsigned char)s[i + 2])) {
            int v = canon_hexval((unsigned char)s[i + 1]) * 16 +
                    canon_hexval((unsigned char)s[i + 2]);

            /* '.' stays escaped: decoding it could make a new dot
             * segment after curl removed them ("/a/%2E%2E/b"). */
            if (canon_unreserved(v) && v != '.') {
                st = buf_append_char(b, (char)v);
            } else {
                char e[3] = {'%', hex[v >> 4], hex[v & 15]};

                st = buf_append(b, e, 3);
            }
            i += 2;
        } else if (c != '%' && c < 0x80 && canon_keep(c)) {
            st = buf_append_char(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};

            st = buf_append(b, e, 3);
        }
    }
    return st;
}

/* A host we can print back: a name of letters, digits, '-', '.', '_' and
 * valid UTF-8 (libcurl gives IDNs as punycode only when the process has a
 * UTF-8 locale), or a bracketed IPv6 literal. */
static bool
canon_host_ok(const char *h)
{
    size_t i;

    if (h[0] == '\0')
        return false;
    if (h[0] == '[') {
        for (i = 1; h[i] != '\0' && h[i] != ']'; i++) {
            if (!ascii_isxdigit((unsigned char)h[i]) && h[i] != ':' &&
                h[i] != '.')
                return false;
        }
        return h[i] == ']' && h[i + 1] == '\0';
    }
    for (i = 0; h[i] != '\0'; i++) {
        unsigned char c = (unsigned char)h[i];

        if (!ascii_isalnum(c) && c != '-' && c != '.' && c != '_' && c < 0x80)
            return false;
    }
    return utf8_valid(h, i);
}

/* The host of u into *host (curl_free it): punycode when libcurl can
 * convert it, else as given. False when there is no printable host. */
static bool
canon_get_host(CURLU *u, char **host)
{
    char *puny = NULL;
    size_t i;

    if (curl_url_get(u, CURLUPART_HOST, host, 0) != CURLUE_OK)
        return false;
    if (!canon_host_ok(*host))
        return false;
    for (i = 0; (*host)[i] != '\0'; i++) {
        if ((unsigned char)(*host)[i] >= 0x80)
            break;
    }
    if ((*host)[i] == '\0')
        return true;
    /* Only valid UTF-8 gets here (libcurl 7.88 leaks on other bytes).
     * Without a UTF-8 locale libidn2 fails and curl reports that as out
     * of memory; keep the name as written then. */
    if (curl_url_get(u, CURLUPART_HOST, &puny, CURLU_PUNYCODE) == CURLUE_OK &&
        canon_host_ok(puny)) {
        curl_free(*host);
        *host = puny;
        return true;
    }
    curl_free(puny);
    return true;
}

struct canon_param {
    const char *p; /* borrowed from the query */
    size_t len;    /* whole "name=value" */
    size_t name_len;
    size_t index; /* original position, for a stable sort */
};

static int
canon_param_cmp(const void *a, const void *b)
{
    const struct canon_param *x = a, *y = b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->p, y->p, n);

    if (c != 0)
        return c;
    if (x->name_len != y->name_len)
        return x->name_len < y->name_len ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* Append "?" and the cleaned, sorted query q to b (nothing when empty). */
static enum syn_status
canon_append_query(struct buf *b, const char *q)
{
    struct canon_param *params = NULL;
    struct buf norm;
    size_t n = 0, cap = 0, i;
    const char *p, *end;
    enum syn_status st;

    /* Normalize escapes first so that %75tm_source is seen as utm_source;
     * '&' and '=' are never unescaped, so splitting stays correct. */
    buf_init(&norm, SYN_MAX_URL_BYTES);
    st = canon_append_escaped(&norm, q, strlen(q));
    if (st != SYN_OK)
        goto out;
    p = buf_cstr(&norm);
    end = p + norm.len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp != NULL ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        size_t name_len = (size_t)((eq != NULL ? eq : stop) - p);

        if (stop > p && !url_canon_is_tracking(p, name_len)) {
            if (n == cap) {
                size_t ncap = cap == 0 ? 8 : cap * 2;
                struct canon_param *np =
                    syn_realloc(params, ncap * sizeof(*np));

                if (np == NULL) {
                    st = SYN_ENOMEM;
                    goto out;
                }
                params = np;
                cap = ncap;
            }
            params[n] =
                (struct canon_param){p, (size_t)(stop - p), name_len, n};
            n++;
        }
        p = stop + 1;
    }
    if (n > 1) {
        qsort(params, n, sizeof(*params), canon_param_cmp);
    }
    for (i = 0; i < n && st == SYN_OK; i++) {
        st = buf_append_char(b, i == 0 ? '?' : '&');
        if (st == SYN_OK) {
            st = buf_append(b, params[i].p, params[i].len);
        }
    }
out:
    syn_free(params);
    buf_fini(&norm);
    return st;
}

static enum syn_status
canon_once(const char *url, char **out, struct syn_err *err)
{
    enum syn_status st = SYN_OK;
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL,
         *query = NULL;
    struct buf b;
    CURLUcode uc;
    CURLU *u = NULL;
    size_t i, hlen;

    buf_init(&b, SYN_MAX_URL_BYTES);
    if (strlen(url) > SYN_MAX_URL_BYTES)
        return syn_err_set(err, SYN_ETOOBIG, "URL longer than %u bytes",
                           SYN_MAX_URL_BYTES);
    u = curl_url();
    if (u == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    uc = curl_url_set(u, CURLUPART_URL, url, CURLU_URLENCODE);
    if (uc == CURLUE_OUT_OF_MEMORY) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto out;
    }
    if (uc != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) ||
        !canon_get_host(u, &host)) {
        st = syn_err_set(err, SYN_EINVAL, "not an absolute http(s) URL");
        goto out;
    }
    uc = curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT);
    if (uc != CURLUE_OK && uc != CURLUE_NO_PORT) {
        st = syn_err_set(err, SYN_EINVAL, "bad port");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
        st = syn_err_set(err, SYN_EINVAL, "bad path");
        goto out;
    }
    uc = curl_url_get(u, CURLUPART_QUERY, &query, 0);
    if (uc != CURLUE_OK && uc != CURLUE_NO_QUERY) {
        st = syn_err_set(err, SYN_EINVAL, "bad query");
        goto out;
    }
    hlen = strlen(host);
    for (i = 0; i < hlen; i++) {
        host[i] = (char)ascii_tolower((unsigned char)host[i]);
    }
    while (hlen > 1 && host[hlen - 1] == '.') {
        host[--hlen] = '\0';
    }
    st = buf_printf(&b, "%s://%s", scheme, host);
    if (st == SYN_OK && port != NULL) {
        st = buf_printf(&b, ":%s", port);
    }
    if (st == SYN_OK && path[0] != '/') {
        st = buf_append_char(&b, '/');
    }
    if (st == SYN_OK) {
        st = canon_append_escaped(&b, path, strlen(path));
    }
    if (st == SYN_OK && query != NULL) {
        st = canon_append_query(&b, query);
    }
    if (st != SYN_OK) {
        st = syn_err_set(err, st,
                         st == SYN_ETOOBIG ? "canonical URL too long"
                                           : "out of memory");
        goto out;
    }
    *out = buf_take(&b);
    if (*out == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    buf_fini(&b);
    return st;
}

enum syn_status
url_canon(const char *url, char **out, struct syn_err *err)
{
    char *first = NULL;
    enum syn_status st = canon_once(url, &first, err);

    if (st != SYN_OK)
        return st;
    /* A second pass reaches the fixed point: our edits (a trailing dot
     * dropped from "3.", escapes decoded) can give libcurl a form it
     * normalizes further ("3" is the IPv4 address 0.0.0.3). */
    st = canon_once(first, out, err);
    syn_free(first);
    return st;
}
