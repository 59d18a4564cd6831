/* Path and form decoding (see query.h). RFC 3986 section 2.1 for escapes,
 * the WHATWG URL standard for application/x-www-form-urlencoded. */
#include "web/query.h"

#include <stdbool.h>
#include <string.h>

#include "util/ascii.h"
#include "util/limits.h"
#include "util/utf8.h"

static int
hexval(char c)
{
    if (ascii_isdigit(c))
        return c - '0';
    return ascii_tolower(c) - 'a' + 10;
}

/* Percent-decode s[0..len) into a new arena string; plus_space turns '+'
 * into ' '. Validates the escapes and the UTF-8 of the result; control
 * bytes are refused unless allow_ws and they are tab, CR or LF. */
static enum syn_status
decode(const char *s, size_t len, bool plus_space, bool allow_ws,
       struct arena *a, char **out, size_t *out_len, struct syn_err *err)
{
    char *d = arena_alloc(a, len + 1);
    size_t i, n = 0;

    if (d == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '%') {
            if (i + 2 >= len)
                return syn_err_set(err, SYN_EINVAL, "truncated percent-escape");
            if (!ascii_isxdigit(s[i + 1]) || !ascii_isxdigit(s[i + 2]))
                return syn_err_set(err, SYN_EINVAL, "bad percent-escape");
            c = (unsigned char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        if (ascii_iscntrl(c) && c != 0x7f &&
            !(allow_ws && (c == '\t' || c == '\r' || c == '\n')))
            return syn_err_set(err, SYN_EINVAL, "control byte 0x%02x", c);
        d[n++] = (char)c;
    }
    d[n] = '\0';
    if (!utf8_valid(d, n))
        return syn_err_set(err, SYN_EINVAL, "not valid UTF-8");
    *out = d;
    *out_len = n;
    return SYN_OK;
}

enum syn_status
web_path_decode(const char *raw, size_t len, struct arena *a, const char **out,
                struct syn_err *err)
{
    char *d;
    size_t n, i, seg;
    enum syn_status st;

    if (len == 0 || raw[0] != '/')
        return syn_err_set(err, SYN_EINVAL, "path must start with '/'");
    if (len > SYN_MAX_PATH_BYTES * 3 + 3)
        return syn_err_set(err, SYN_ETOOBIG, "path too long");
    st = decode(raw, len, false, false, a, &d, &n, err);
    if (st != SYN_OK)
        return st;
    if (n > SYN_MAX_PATH_BYTES)
        return syn_err_set(err, SYN_ETOOBIG, "path longer than %u bytes",
                           (unsigned)SYN_MAX_PATH_BYTES);
    /* Refuse dot segments and backslashes: no route needs them and they
     * are the stuff of traversal attempts. */
    seg = 1;
    for (i = 1; i <= n; i++) {
        if (i < n && d[i] == '\\')
            return syn_err_set(err, SYN_EINVAL, "backslash in path");
        if (i < n && d[i] != '/')
            continue;
        if ((i - seg == 1 && d[seg] == '.') ||
            (i - seg == 2 && d[seg] == '.' && d[seg + 1] == '.'))
            return syn_err_set(err, SYN_EINVAL, "dot segment in path");
        seg = i + 1;
    }
    *out = d;
    return SYN_OK;
}

static enum syn_status
parse_pairs(const char *s, size_t len, size_t max_value, struct arena *a,
            struct web_params *out, struct syn_err *err)
{
    size_t i, start = 0, count = 0;
    enum syn_status st;

    out->items = NULL;
    out->n = 0;
    for (i = 0; i < len; i++) {
        count += s[i] == '&' || s[i] == ';';
    }
    count++;
    if (count > SYN_MAX_PARAMS * 4)
        return syn_err_set(err, SYN_ETOOBIG, "too many fields");
    out->items = arena_alloc(a, count * sizeof(*out->items));
    if (out->items == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    for (i = 0; i <= len; i++) {
        const char *pair, *eq;
        size_t plen, name_len;
        struct web_param *p;
        char *name, *value;
        size_t n;

        if (i < len && s[i] != '&' && s[i] != ';')
            continue;
        pair = s + start;
        plen = i - start;
        start = i + 1;
        if (plen == 0)
            continue;
        if (out->n == SYN_MAX_PARAMS)
            return syn_err_set(err, SYN_ETOOBIG, "more than %d fields",
                               SYN_MAX_PARAMS);
        eq = memchr(pair, '=', plen);
        name_len = eq != NULL ? (size_t)(eq - pair) : plen;
        st = decode(pair, name_len, true, false, a, &name, &n, err);
        if (st != SYN_OK)
            return st;
        if (eq != NULL) {
            st = decode(eq + 1, plen - name_len - 1, true, true, a, &value, &n,
                        err);
        } else {
            st = decode("", 0, true, true, a, &value, &n, err);
        }
        if (st != SYN_OK)
            return st;
        if (n > max_value)
            return syn_err_set(err, SYN_ETOOBIG,
                               "field '%.40s' longer than "
                               "%zu bytes",
                               name, max_value);
        p = &out->items[out->n++];
        p->name = name;
        p->value = value;
        p->value_len = n;
    }
    return SYN_OK;
}

enum syn_status
web_params_parse(const char *s, size_t len, struct arena *a,
                 struct web_params *out, struct syn_err *err)
{
    return parse_pairs(s, len, SYN_MAX_QUERY_BYTES, a, out, err);
}

enum syn_status
web_form_parse(const char *s, size_t len, struct arena *a,
               struct web_params *out, struct syn_err *err)
{
    return parse_pairs(s, len, SYN_MAX_FORM_VALUE_BYTES, a, out, err);
}

const char *
web_params_get(const struct web_params *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        if (strcmp(p->items[i].name, name) == 0)
            return p->items[i].value;
    }
    return NULL;
}
