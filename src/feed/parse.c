/* Feed parsing entry point (see parse.h): size check, format detection
 * from the bytes, character encoding, then the XML or JSON reader.
 *
 * Encoding (RFC 3023 and what browsers do, simplified): a byte order mark
 * wins; then the charset passed in from HTTP; then the UTF-16/32 byte
 * pattern of "<?"; then the XML declaration; else UTF-8. ISO-8859-1 and
 * US-ASCII are read as windows-1252 (their superset in the wild), GB2312
 * as GB18030 and EUC-KR as CP949 (likewise); a document that declares
 * nothing, or declares UTF-8 but holds no UTF-8 sequence at all, and is
 * not valid UTF-8 is read as windows-1252; other encodings go through
 * iconv. The XML reader always gets UTF-8 and is told to ignore the
 * declaration. */
#include "feed/parse.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "feed/build.h"
#include "util/ascii.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/utf8.h"

/* Bytes of the XML declaration we look at for encoding="..." */
#define DECL_SCAN_BYTES 512

enum enc_kind {
    ENC_UTF8 = 0,
    ENC_CP1252,
    ENC_ICONV,
};

static enum syn_status
from_cp1252(struct buf *out, const char *s, size_t len)
{
    enum syn_status st;
    size_t i, run = 0;

    if ((st = buf_reserve(out, len + len / 2 + 16)) != SYN_OK)
        return st;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        char u[4];

        if (c < 0x80)
            continue;
        if ((st = buf_append(out, s + run, i - run)) != SYN_OK)
            return st;
        cp = cp1252_char(c);
        if ((st = buf_append(out, u, utf8_encode(cp, u))) != SYN_OK)
            return st;
        run = i + 1;
    }
    return buf_append(out, s + run, len - run);
}

/* Convert with iconv; undecodable bytes become U+FFFD (reported once). */
static enum syn_status
from_iconv(struct feed_builder *fb, iconv_t cd, const char *name,
           struct buf *out, const char *s, size_t len)
{
    char *in = (char *)s; /* iconv's prototype is not const-correct */
    size_t left = len;
    bool reported = false;
    enum syn_status st;

    while (left > 0) {
        char *dst;
        size_t room, r;

        if ((st = buf_reserve(out, left * 2 + 64)) != SYN_OK)
            return st;
        dst = out->data + out->len;
        room = out->cap - out->len - 1;
        r = iconv(cd, &in, &left, &dst, &room);
        out->len = (size_t)(dst - out->data);
        out->data[out->len] = '\0';
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        if (!reported) {
            fb_problem(fb, 0, "bytes invalid in %s replaced by U+FFFD", name);
            reported = true;
        }
        if ((st = buf_append(out, "\xEF\xBF\xBD", 3)) != SYN_OK)
            return st;
        if (errno == EINVAL)
            break; /* truncated sequence at the end */
        in++;
        left--;
    }
    return SYN_OK;
}

/* The value of encoding="..." in an XML declaration at s, or empty. */
static struct str
declared_encoding(const char *s, size_t len)
{
    struct str none = {NULL, 0};
    size_t n = len < DECL_SCAN_BYTES ? len : DECL_SCAN_BYTES, i;
    const char *end, *p;

    if (n < 6 || memcmp(s, "<?xml", 5) != 0)
        return none;
    end = memchr(s, '>', n);
    if (end == NULL)
        return none;
    for (p = s + 5; p + 8 < end; p++) {
        if (memcmp(p, "encoding", 8) != 0)
            continue;
        p += 8;
        while (p < end && (ascii_isspace((unsigned char)*p) || *p == '=')) {
            p++;
        }
        if (p >= end || (*p != '"' && *p != '\''))
            return none;
        for (i = 1; p + i < end && p[i] != p[0]; i++) {
            ;
        }
        if (p + i >= end)
            return none;
        return str_trim((struct str){p + 1, i - 1});
    }
    return none;
}

static bool
is_cp1252_alias(struct str e)
{
    static const char *const names[] = {
        "iso-8859-1", "iso8859-1",   "latin1",     "latin-1",       "l1",
        "iso_8859-1", "us-ascii",    "ascii",      "windows-1252",  "cp1252",
        "x-cp1252",   "iso-8859-15", "iso8859-15", "ansi_x3.4-1968"};
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(names); i++) {
        if (str_eq_nocase(e, names[i]))
            return true;
    }
    return false;
}

/* True when s[0..len) holds at least one valid multi-byte UTF-8
 * sequence. Only asked of documents already known not to be valid
 * UTF-8: one that says it is but has no such sequence at all is
 * windows-1252 mislabeled ("caf\xe9", "\x93quoted\x94"); a mostly
 * valid one with a few stray bytes is UTF-8 with errors. */
static bool
has_utf8_sequence(const char *s, size_t len)
{
    const char *p = s, *end = s + len;

    while (p < end) {
        uint32_t cp;
        size_t n;

        while (p < end && (unsigned char)*p < 0x80) {
            p++;
        }
        if (p == end)
            return false;
        n = utf8_decode(p, (size_t)(end - p), &cp);
        if (n > 1)
            return true;
        p++;
    }
    return false;
}

/* The encoding a label is read in when a superset is what its producers
 * write (the WHATWG Encoding Standard's rule, which browsers follow):
 * "gb2312" pages hold GBK characters, GB18030 holds both; "euc-kr" ones
 * hold Microsoft's CP949 extensions. NULL: the label itself. */
static const char *
superset_of(const char *name)
{
    static const struct {
        const char *label, *read_as;
    } map[] = {
        {"gb2312", "GB18030"},    {"gbk", "GB18030"},
        {"x-gbk", "GB18030"},     {"csgb2312", "GB18030"},
        {"euc-cn", "GB18030"},    {"cp936", "GB18030"},
        {"euc-kr", "CP949"},      {"ks_c_5601-1987", "CP949"},
        {"windows-949", "CP949"},
    };
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(map); i++) {
        if (str_casecmp(name, map[i].label) == 0)
            return map[i].read_as;
    }
    return NULL;
}

/* Record the encoding the document is read in, lower-cased. */
static void
set_encoding(struct feed_builder *fb, struct str name)
{
    char low[48];
    size_t i;

    if (name.len == 0 || name.len >= sizeof(low))
        return;
    for (i = 0; i < name.len; i++) {
        low[i] = (char)ascii_tolower((unsigned char)name.p[i]);
    }
    fb->f->encoding = fb_text(fb, low, name.len);
}

/* Decide the encoding and produce UTF-8 in conv (or point at the input).
 * data and len are updated to the UTF-8 document. */
static enum syn_status
to_utf8(struct feed_builder *fb, const struct feed_parse_opts *opts,
        const char **data, size_t *len, struct buf *conv)
{
    const unsigned char *u = (const unsigned char *)*data;
    size_t n = *len, skip = 0;
    struct str enc = {NULL, 0};
    char name[48];
    bool from_bom = false;
    iconv_t cd;
    enum syn_status st;

    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        enc = str_from_cstr("utf-8");
        skip = 3;
    } else if (n >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 &&
               u[3] == 0) {
        enc = str_from_cstr("UTF-32LE");
        skip = 4;
    } else if (n >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE &&
               u[3] == 0xFF) {
        enc = str_from_cstr("UTF-32BE");
        skip = 4;
    } else if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
        enc = str_from_cstr("UTF-16LE");
        skip = 2;
    } else if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
        enc = str_from_cstr("UTF-16BE");
        skip = 2;
    }
    from_bom = enc.len > 0;
    if (!from_bom && opts != NULL && opts->http_charset != NULL &&
        opts->http_charset[0] != '\0') {
        enc = str_trim(str_from_cstr(opts->http_charset));
    }
    if (enc.len == 0 && n >= 4) {
        if (u[0] == '<' && u[1] == 0 && u[2] == 0 && u[3] == 0) {
            enc = str_from_cstr("UTF-32LE");
        } else if (u[0] == 0 && u[1] == 0 && u[2] == 0 && u[3] == '<') {
            enc = str_from_cstr("UTF-32BE");
        } else if (u[0] == '<' && u[1] == 0) {
            enc = str_from_cstr("UTF-16LE");
        } else if (u[0] == 0 && u[1] == '<') {
            enc = str_from_cstr("UTF-16BE");
        }
    }
    if (enc.len == 0 || (from_bom && skip == 3)) {
        /* whitespace before "<?xml" is a common producer slip: skip it so
         * that the declaration counts (only for ASCII-compatible input) */
        while (skip < n && ascii_isspace(u[skip])) {
            skip++;
        }
    }
    if (enc.len == 0) {
        enc = declared_encoding(*data + skip, n - skip);
    }
    *data += skip;
    *len -= skip;
    if (enc.len == 0 || str_eq_nocase(enc, "utf-8") ||
        str_eq_nocase(enc, "utf8")) {
        set_encoding(fb, str_from_cstr("utf-8"));
        if (fb_utf8_clean(*data, *len) || utf8_valid(*data, *len))
            return SYN_OK;
        if (enc.len == 0) {
            fb_problem(fb, 0,
                       "no encoding declared and not UTF-8: read as "
                       "windows-1252");
            set_encoding(fb, str_from_cstr("windows-1252"));
            st = from_cp1252(conv, *data, *len);
        } else if (!has_utf8_sequence(*data, *len)) {
            fb_problem(fb, 0,
                       "declared UTF-8 but has no UTF-8 sequence: read as "
                       "windows-1252");
            set_encoding(fb, str_from_cstr("windows-1252"));
            st = from_cp1252(conv, *data, *len);
        } else {
            fb_problem(fb, 0, "invalid UTF-8 replaced by U+FFFD");
            st = utf8_append_valid(conv, *data, *len);
        }
        goto converted;
    }
    if (is_cp1252_alias(enc)) {
        set_encoding(fb, enc);
        st = from_cp1252(conv, *data, *len);
        goto converted;
    }
    if (enc.len >= sizeof(name)) {
        fb_problem(fb, 0, "unknown encoding; read as UTF-8");
        set_encoding(fb, str_from_cstr("utf-8"));
        st = utf8_append_valid(conv, *data, *len);
        goto converted;
    }
    memcpy(name, enc.p, enc.len);
    name[enc.len] = '\0';
    /* "UTF-16" declared without a BOM: the byte pattern decides */
    if (str_casecmp(name, "utf-16") == 0 && *len >= 2) {
        (void)str_copy(name, sizeof(name), u[0] == 0 ? "UTF-16BE" : "UTF-16LE");
    } else {
        const char *superset = superset_of(name);

        if (superset != NULL) {
            (void)str_copy(name, sizeof(name), superset);
        }
    }
    cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1) {
        fb_problem(fb, 0, "unknown encoding '%s'", name);
        set_encoding(fb, str_from_cstr("utf-8"));
        if (utf8_valid(*data, *len))
            return SYN_OK;
        set_encoding(fb, str_from_cstr("windows-1252"));
        st = from_cp1252(conv, *data, *len);
        goto converted;
    }
    set_encoding(fb, str_from_cstr(name));
    st = from_iconv(fb, cd, name, conv, *data, *len);
    iconv_close(cd);
converted:
    if (st != SYN_OK)
        return fb_fail(fb, st, "cannot convert the document to UTF-8");
    *data = buf_cstr(conv);
    *len = conv->len;
    return SYN_OK;
}

/* Length of a well-formed reference at s ("&amp;", "&#38;", "&#x26;"),
 * or 0 when this '&' starts none. */
static size_t
reference_len(const char *s, size_t len)
{
    size_t i = 1;

    if (i < len && s[i] == '#') {
        /* XML allows only a lower-case x; "&#X41;" (SGML's and HTML's
         * form) is counted here and rewritten by escape_bare_amps() */
        bool hex = i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X');
        size_t start = i + 1 + hex;

        for (i = start; i < len && i - start < 8; i++) {
            if (!(hex ? ascii_isxdigit((unsigned char)s[i])
                      : ascii_isdigit((unsigned char)s[i])))
                break;
        }
        return i > start && i < len && s[i] == ';' ? i + 1 : 0;
    }
    if (i >= len ||
        !(ascii_isalpha((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
        return 0;
    for (; i < len && i < 64; i++) {
        unsigned char c = (unsigned char)s[i];

        if (!(ascii_isalnum(c) || c == '_' || c == ':' || c == '.' ||
              c == '-' || c >= 0x80))
            break;
    }
    return i < len && s[i] == ';' ? i + 1 : 0;
}

static long
line_at(const char *s, const char *p)
{
    long line = 1;

    while ((s = memchr(s, '\n', (size_t)(p - s))) != NULL) {
        line++;
        s++;
    }
    return line;
}

/* Bare '&' (outside CDATA) is the commonest error in hand-made feeds
 * ("?a=1&b=2" in a <link>); libxml2 would drop the text after it. Escape
 * each one as "&amp;" into out, reporting the first. *data is left alone
 * when there is none (no copy). */
/* The next CDATA section or comment at or after s, where a bare '&' is
 * legal: *close_tok is its terminator. NULL when there is none. memchr()
 * looks for the '!' of "<!": finding each '<' stopped at every tag, 2% of
 * the full parse, and '!' is rare in feed markup. */
static const char *
next_literal(const char *s, const char *end, const char **close_tok)
{
    const char *p = s + 1;

    if (end - s < 4)
        return NULL; /* shorter than "<!--" */
    while (p < end && (p = memchr(p, '!', (size_t)(end - p))) != NULL) {
        const char *lt = p - 1;

        if (*lt == '<' && (size_t)(end - lt) >= 9 &&
            memcmp(lt, "<![CDATA[", 9) == 0) {
            *close_tok = "]]>";
            return lt;
        }
        if (*lt == '<' && (size_t)(end - lt) >= 4 &&
            memcmp(lt, "<!--", 4) == 0) {
            *close_tok = "-->";
            return lt;
        }
        p++;
    }
    return NULL;
}

/* The first tok[0..3) in s[0..len), or NULL. memchr() on the token's
 * first byte (']' of "]]>", '-' of "-->": rare in feed markup) and a
 * compare: memmem() went byte by byte over every CDATA section, 2% of
 * the full parse of CDATA-wrapped content. */
static const char *
find_tok3(const char *s, size_t len, const char *tok)
{
    const char *p = s, *end = s + len;

    while ((size_t)(end - p) >= 3) {
        p = memchr(p, tok[0], (size_t)(end - p) - 2);
        if (p == NULL)
            return NULL;
        if (p[1] == tok[1] && p[2] == tok[2])
            return p;
        p++;
    }
    return NULL;
}

/* Bare '&' (outside CDATA and comments) is the commonest error in
 * hand-made feeds ("?a=1&b=2" in a <link>); libxml2 would drop the text
 * after it. Escape each one as "&amp;" into out, reporting the first.
 * A hexadecimal character reference with an upper-case X ("&#X41;",
 * valid in HTML, not in XML) is rewritten with a lower-case x, so that
 * it means its character instead of being dropped. *data is left alone
 * when there is neither (no copy). */
static enum syn_status
escape_bare_amps(struct feed_builder *fb, const char **data, size_t *len,
                 struct buf *out)
{
    const char *s = *data, *end = s + *len, *p = s, *run = s;
    const char *close_tok = NULL;
    const char *lit = NULL;
    bool found = false, found_x = false, scanned = false;
    enum syn_status st;

    while ((p = memchr(p, '&', (size_t)(end - p))) != NULL) {
        if (!scanned) {
            lit = next_literal(s, end, &close_tok);
            scanned = true;
        }
        if (lit != NULL && lit < p) {
            const char *close =
                find_tok3(lit + 4, (size_t)(end - lit - 4), close_tok);

            if (close == NULL)
                break; /* unterminated: the rest is literal */
            lit = next_literal(close + 3, end, &close_tok);
            if (close + 3 > p) {
                p = close + 3; /* this '&' was inside */
            }
            continue;
        }
        if (reference_len(p, (size_t)(end - p)) == 0) {
            if (!found) {
                fb_problem(fb, line_at(s, p),
                           "unescaped '&' read as text (recovered)");
                found = true;
            }
            if ((st = buf_append(out, run, (size_t)(p - run))) != SYN_OK ||
                (st = buf_append(out, "&amp;", 5)) != SYN_OK)
                return st;
            run = p + 1;
        } else if (p[1] == '#' && p[2] == 'X') {
            if (!found_x) {
                fb_problem(fb, line_at(s, p),
                           "character reference with 'X' read as 'x' "
                           "(recovered)");
                found_x = true;
            }
            if ((st = buf_append(out, run, (size_t)(p - run))) != SYN_OK ||
                (st = buf_append(out, "&#x", 3)) != SYN_OK)
                return st;
            run = p + 3;
        }
        p++;
    }
    if (!found && !found_x)
        return SYN_OK;
    if ((st = buf_append(out, run, (size_t)(end - run))) != SYN_OK)
        return st;
    *data = buf_cstr(out);
    *len = out->len;
    return SYN_OK;
}

/* Does s[0..len) start with "<" and one of names (case-insensitive),
 * followed by what may follow a tag name? */
static bool
at_tag(const char *s, size_t len, const char *const *names, size_t n_names)
{
    size_t i, n;

    for (i = 0; i < n_names; i++) {
        n = strlen(names[i]);
        if (len > n + 1 && s[0] == '<' &&
            str_ncasecmp(s + 1, names[i], n) == 0 &&
            (ascii_isspace((unsigned char)s[n + 1]) || s[n + 1] == '>' ||
             s[n + 1] == '/'))
            return true;
    }
    return false;
}

/* Bytes of noise before the XML document in s[0..len): a server printed
 * a PHP warning ahead of the feed, as text ("Warning: ... on line 3") or
 * as PHP's markup ("<br />\n<b>Warning</b>: ..."). Only those starts
 * count as noise; the noise ends at an XML declaration (only allowed
 * first) or at a feed's root element, found before any CDATA section or
 * comment and within SYN_MAX_FEED_PREAMBLE_BYTES. 0 otherwise: a document
 * that starts with markup of its own is left to the XML parser. For
 * UTF-8 and the ASCII supersets; UTF-16/32 never start with noise here. */
static size_t
preamble_len(const char *s, size_t len)
{
    static const char *const noise_tags[] = {"br", "b", "font"};
    static const char *const roots[] = {"rss", "feed", "rdf:RDF"};
    const char *lit, *close_tok;
    size_t i = 0, end = len < SYN_MAX_FEED_PREAMBLE_BYTES
                            ? len
                            : SYN_MAX_FEED_PREAMBLE_BYTES;

    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        i = 3;
    }
    while (i < len && ascii_isspace((unsigned char)s[i])) {
        i++;
    }
    if (i == len || (unsigned char)s[i] >= 0x80 || s[i] == '\0')
        return 0;
    if (s[i] == '<' &&
        !at_tag(s + i, len - i, noise_tags, SYN_ARRAY_LEN(noise_tags)))
        return 0;
    lit = next_literal(s + i, s + end, &close_tok);
    if (lit != NULL) {
        end = (size_t)(lit - s);
    }
    for (; i < end; i++) {
        if (s[i] != '<')
            continue;
        if ((end - i > 5 && memcmp(s + i, "<?xml", 5) == 0 &&
             ascii_isspace((unsigned char)s[i + 5])) ||
            at_tag(s + i, len - i, roots, SYN_ARRAY_LEN(roots)))
            return i;
    }
    return 0;
}

static bool
looks_like_json(const char *s, size_t len)
{
    size_t i = 0;

    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        i = 3;
    }
    while (i < len && ascii_isspace((unsigned char)s[i])) {
        i++;
    }
    return i < len && (s[i] == '{' || s[i] == '[');
}

enum syn_status
feed_parse(const char *buf, size_t len, const struct feed_parse_opts *opts,
           struct feed **out, struct syn_err *err)
{
    struct feed_builder fb;
    struct buf conv, amps;
    enum syn_status st;

    *out = NULL;
    if (len > SYN_MAX_FEED_BYTES)
        return syn_err_set(err, SYN_ETOOBIG, "feed larger than %u bytes",
                           SYN_MAX_FEED_BYTES);
    buf_init(&conv, SYN_MAX_FEED_BYTES * 4);
    buf_init(&amps, SYN_MAX_FEED_BYTES * 8);
    if ((st = fb_init(&fb, opts, err)) != SYN_OK)
        goto out;
    if (looks_like_json(buf, len)) {
        if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
            buf += 3;
            len -= 3;
        }
        st = feed_read_json(&fb, buf, len);
    } else {
        size_t skip = preamble_len(buf, len);
        struct feed_parse_opts bom_opts = {NULL, "utf-8"};

        if (skip > 0) {
            if (memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
                /* the byte order mark before the noise still wins */
                bom_opts.base_url = opts != NULL ? opts->base_url : NULL;
                opts = &bom_opts;
            }
            fb_problem(&fb, 0, "%zu bytes before the XML skipped (recovered)",
                       skip);
            buf += skip;
            len -= skip;
        }
        st = to_utf8(&fb, opts, &buf, &len, &conv);
        if (st == SYN_OK &&
            (st = escape_bare_amps(&fb, &buf, &len, &amps)) != SYN_OK) {
            st = fb_fail(&fb, st, "out of memory");
        }
        if (st == SYN_OK) {
            st = feed_read_xml(&fb, buf, len);
        }
    }
    if (st == SYN_OK) {
        st = fb_finish(&fb, out);
    }
out:
    fb_fini(&fb);
    buf_fini(&conv);
    buf_fini(&amps);
    return st;
}
