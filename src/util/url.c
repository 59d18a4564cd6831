/* URL resolution with libcurl's URL API (see url.h). */
#include "util/url.h"

#include <curl/curl.h>
#include <string.h>

#include "util/ascii.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/utf8.h"

/* Length of the scheme of url ("http" in "http://..."), 0 when none. */
static size_t
url_scheme_len(const char *url)
{
    size_t i;

    if (!ascii_isalpha((unsigned char)url[0]))
        return 0;
    for (i = 1; url[i] != '\0'; i++) {
        unsigned char c = (unsigned char)url[i];

        if (c == ':')
            return i;
        if (!ascii_isalnum(c) && c != '+' && c != '-' && c != '.')
            return 0;
    }
    return 0;
}

static bool
url_scheme_is(const char *url, const char *scheme)
{
    size_t n = url_scheme_len(url);

    return n == strlen(scheme) && str_ncasecmp(url, scheme, n) == 0;
}

bool
url_is_http(const char *url)
{
    return url_scheme_is(url, "http") || url_scheme_is(url, "https");
}

bool
url_is_safe_scheme(const char *url)
{
    return url_is_http(url) || url_scheme_is(url, "mailto");
}

/* libcurl percent-decodes the host ("http://%ba.example/" gives the byte
 * 0xBA) and passes other bytes through: its result must still be text,
 * valid UTF-8 without controls, to be one of our strings. */
static bool
url_text_ok(const char *s)
{
    size_t i, len = strlen(s);

    for (i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    }
    return utf8_valid(s, len);
}

/* A reference that is only a fragment: the base without its own
 * fragment, then ref (RFC 3986 5.2.2). libcurl 7.88 drops the base's
 * last path segment instead ("post.html" + "#top" gave "/#top"). */
static enum syn_status
fragment_ref(const char *base, const char *ref, char **out, struct syn_err *err)
{
    size_t n = strcspn(base, "#");
    struct buf joined;
    enum syn_status st;

    buf_init(&joined, 2 * SYN_MAX_URL_BYTES + 2);
    if ((st = buf_append(&joined, base, n)) != SYN_OK ||
        (st = buf_append_str(&joined, ref)) != SYN_OK) {
        buf_fini(&joined);
        return st;
    }
    st = url_resolve(NULL, buf_cstr(&joined), out, err);
    buf_fini(&joined);
    return st;
}

enum syn_status
url_resolve(const char *base, const char *ref, char **out,
            struct syn_err *err)
{
    /* mailto: and other opaque URLs have no hierarchy to resolve. */
    const unsigned int flags = CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE;
    enum syn_status st = SYN_OK;
    CURLU *h = NULL;
    char *s = NULL;

    if (strlen(ref) > SYN_MAX_URL_BYTES ||
        (base != NULL && strlen(base) > SYN_MAX_URL_BYTES))
        return syn_err_set(err, SYN_ETOOBIG, "URL longer than %u bytes",
                           SYN_MAX_URL_BYTES);
    if (url_scheme_is(ref, "mailto")) {
        *out = syn_strdup(ref);
        return *out != NULL ? SYN_OK : SYN_ENOMEM;
    }
    if (ref[0] == '#' && base != NULL && base[0] != '\0')
        return fragment_ref(base, ref, out, err);
    h = curl_url();
    if (h == NULL)
        return SYN_ENOMEM;
    if (base != NULL && base[0] != '\0' && url_scheme_len(ref) == 0) {
        if (curl_url_set(h, CURLUPART_URL, base, flags) != CURLUE_OK) {
            st = syn_err_set(err, SYN_EINVAL, "bad base URL");
            goto out;
        }
    }
    if (curl_url_set(h, CURLUPART_URL, ref, flags) != CURLUE_OK ||
        curl_url_get(h, CURLUPART_URL, &s, 0) != CURLUE_OK) {
        st = syn_err_set(err, SYN_EINVAL, "bad URL");
        goto out;
    }
    if (strlen(s) > SYN_MAX_URL_BYTES) {
        st = syn_err_set(err, SYN_ETOOBIG, "URL longer than %u bytes",
                         SYN_MAX_URL_BYTES);
        goto out;
    }
    if (!url_text_ok(s)) {
        st = syn_err_set(err, SYN_EINVAL, "bad URL");
        goto out;
    }
    *out = syn_strdup(s);
    if (*out == NULL) {
        st = SYN_ENOMEM;
    }
out:
    curl_free(s);
    curl_url_cleanup(h);
    return st;
}
