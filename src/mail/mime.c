/* Internet message builder (see mime.h). Specs: RFC 5322 (format, folding,
 * date-time), RFC 2045 (quoted-printable, section 6.7), RFC 2046
 * (multipart/alternative, boundaries), RFC 2047 (encoded-words), RFC 2369
 * (List-Unsubscribe), RFC 2919 (List-Id), RFC 8058 (one-click), RFC 3834
 * (Auto-Submitted). */
#include "mail/mime.h"

#include <string.h>
#include <time.h>

#include <sodium.h>

#include "util/ascii.h"
#include "util/limits.h"
#include "util/utf8.h"

static const char hexdig[] = "0123456789ABCDEF";

/* "=?UTF-8?B?" + "?=" around the base64 text of an encoded-word. */
#define EW_OVERHEAD 12

enum syn_status
mime_header_value_check(const char *value, struct syn_err *err)
{
    size_t i, n;

    if (value == NULL)
        return syn_err_set(err, SYN_EINVAL, "missing header value");
    n = strlen(value);
    if (n > SYN_MAX_HEADER_VALUE)
        return syn_err_set(err, SYN_ETOOBIG, "header value over %d bytes",
                           SYN_MAX_HEADER_VALUE);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];

        if (c == '\r' || c == '\n')
            return syn_err_set(err, SYN_EINVAL,
                               "line break in a header value");
        if (ascii_iscntrl(c) && c != '\t')
            return syn_err_set(err, SYN_EINVAL,
                               "control character in a header value");
    }
    if (!utf8_valid(value, n))
        return syn_err_set(err, SYN_EINVAL, "header value is not UTF-8");
    return SYN_OK;
}

static int
atext(int c)
{
    /* RFC 5322 section 3.2.3 atext. */
    return ascii_isalnum(c) || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

enum syn_status
mime_addr_check(const char *addr, struct syn_err *err)
{
    const char *at, *p;
    size_t n, local;
    int dots = 0;

    if (addr == NULL || *addr == '\0')
        return syn_err_set(err, SYN_EINVAL, "missing address");
    n = strlen(addr);
    if (n > SYN_MAX_EMAIL_BYTES)
        return syn_err_set(err, SYN_EINVAL, "address over %d bytes",
                           SYN_MAX_EMAIL_BYTES);
    at = strrchr(addr, '@');
    if (at == NULL)
        return syn_err_set(err, SYN_EINVAL, "address without '@'");
    local = (size_t)(at - addr);
    if (local == 0 || local > 64)
        return syn_err_set(err, SYN_EINVAL, "bad local part in address");
    for (p = addr; p < at; p++) {
        if (*p == '.') {
            if (p == addr || p + 1 == at || p[1] == '.')
                return syn_err_set(err, SYN_EINVAL, "bad dots in address");
        } else if (!atext((unsigned char)*p)) {
            return syn_err_set(err, SYN_EINVAL,
                               "bad character in address local part");
        }
    }
    p = at + 1;
    if (*p == '\0' || *p == '.' || *p == '-')
        return syn_err_set(err, SYN_EINVAL, "bad domain in address");
    for (; *p != '\0'; p++) {
        if (*p == '.') {
            if (p[1] == '\0' || p[1] == '.' || p[-1] == '-')
                return syn_err_set(err, SYN_EINVAL, "bad domain in address");
            dots++;
        } else if (!ascii_isalnum(*p) && *p != '-') {
            return syn_err_set(err, SYN_EINVAL,
                               "bad character in address domain");
        }
    }
    if (dots == 0 && strcmp(at + 1, "localhost") != 0)
        return syn_err_set(err, SYN_EINVAL, "address domain has no dot");
    return SYN_OK;
}

enum syn_status
mime_mailbox_split(const char *s, struct str *name, struct str *addr)
{
    struct str all = str_trim(str_from_cstr(s));
    const char *lt;

    name->p = all.p;
    name->len = 0;
    if (all.len == 0)
        return SYN_EINVAL;
    if (all.p[all.len - 1] != '>') {
        *addr = all;
        return SYN_OK;
    }
    lt = NULL;
    for (size_t i = all.len; i-- > 0;) {
        if (all.p[i] == '<') {
            lt = all.p + i;
            break;
        }
    }
    if (lt == NULL)
        return SYN_EINVAL;
    addr->p = lt + 1;
    addr->len = (size_t)(all.p + all.len - 1 - addr->p);
    name->len = (size_t)(lt - all.p);
    *name = str_trim(*name);
    if (name->len >= 2 && name->p[0] == '"' && name->p[name->len - 1] == '"') {
        name->p++;
        name->len -= 2;
    }
    return addr->len > 0 ? SYN_OK : SYN_EINVAL;
}

/* Whether v must become encoded-words: non-ASCII, controls, something
 * that looks like an encoded-word, or a piece between folding points (a
 * run of spaces and the word after it) too long for a line: first_room on
 * the first line (after the header name), SYN_MAIL_LINE_MAX after. */
static int
needs_encoding(const char *v, size_t first_room)
{
    const char *p = v;
    size_t room = first_room;

    /* Trailing spaces cannot start a folded line (it would be blank). */
    if (strstr(v, "=?") != NULL || (*v != '\0' && v[strlen(v) - 1] == ' '))
        return 1;
    for (; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (c >= 0x80 || ascii_iscntrl(c))
            return 1;
    }
    for (p = v; *p != '\0';) {
        const char *q = p;

        while (*q == ' ') {
            q++;
        }
        while (*q != '\0' && *q != ' ') {
            q++;
        }
        if ((size_t)(q - p) > room)
            return 1;
        room = SYN_MAIL_LINE_MAX;
        p = q;
    }
    return 0;
}

/* Append value as encoded-words; *col is the current line's length, which
 * is > 0 (a header name precedes). Words are split at UTF-8 boundaries and
 * each goes on its own line but the first. */
static enum syn_status
append_encoded_words(struct buf *out, const char *v, size_t *col)
{
    size_t n = strlen(v), off = 0;
    enum syn_status st = SYN_OK;

    while (st == SYN_OK && off < n) {
        char b64[SYN_MAIL_LINE_MAX + 1];
        size_t room, chunk;

        room = SYN_MAIL_LINE_MAX - *col - 1 - EW_OVERHEAD; /* 1: the space */
        chunk = room / 4 * 3;
        if (chunk > n - off) {
            chunk = n - off;
        }
        chunk = utf8_boundary(v + off, chunk);
        if (chunk == 0) /* cannot happen for valid UTF-8 and room >= 4 */
            return SYN_EINVAL;
        sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)v + off,
                          chunk, sodium_base64_VARIANT_ORIGINAL);
        st = buf_printf(out, " =?UTF-8?B?%s?=", b64);
        *col += 1 + EW_OVERHEAD + strlen(b64);
        off += chunk;
        if (st == SYN_OK && off < n) {
            st = buf_append_str(out, "\r\n");
            *col = 0;
        }
    }
    return st;
}

/* Append printable ASCII text after the header name, folding before a
 * space when the line would pass the limit. */
static enum syn_status
append_folded_ascii(struct buf *out, const char *v, size_t *col)
{
    enum syn_status st = SYN_OK;
    const char *p = v;
    int first = 1;

    while (st == SYN_OK && *p != '\0') {
        /* segment: the spaces before a word, then the word */
        const char *q = p;
        size_t seg;

        while (*q == ' ') {
            q++;
        }
        while (*q != '\0' && *q != ' ') {
            q++;
        }
        seg = (size_t)(q - p);
        if (first) {
            st = buf_append_char(out, ' ');
            (*col)++;
            first = 0;
        } else if (*col + seg > SYN_MAIL_LINE_MAX && *p == ' ') {
            st = buf_append_str(out, "\r\n");
            *col = 0;
        }
        if (st == SYN_OK) {
            st = buf_append(out, p, seg);
        }
        *col += seg;
        p = q;
    }
    if (st == SYN_OK && first) {
        st = buf_append_char(out, ' ');
    }
    return st;
}

enum syn_status
mime_header_text(struct buf *out, const char *name, const char *value,
                 struct syn_err *err)
{
    size_t col, len0 = out->len;
    enum syn_status st;

    st = mime_header_value_check(value, err);
    if (st != SYN_OK)
        return st;
    col = strlen(name) + 1;
    st = buf_printf(out, "%s:", name);
    if (st == SYN_OK) {
        st = needs_encoding(value, SYN_MAIL_LINE_MAX - col - 1)
                 ? append_encoded_words(out, value, &col)
                 : append_folded_ascii(out, value, &col);
    }
    if (st == SYN_OK) {
        st = buf_append_str(out, "\r\n");
    }
    if (st != SYN_OK) {
        buf_truncate(out, len0);
        return syn_err_set(err, st, "header %s: %s", name, syn_strerror(st));
    }
    return SYN_OK;
}

/* A display name as an RFC 5322 quoted-string, when it is short ASCII. */
static int
quotable(const char *d)
{
    size_t n = 0;

    for (; *d != '\0'; d++, n++) {
        unsigned char c = (unsigned char)*d;

        if (c >= 0x80 || ascii_iscntrl(c))
            return 0;
        if (c == '"' || c == '\\') {
            n++; /* escaped with a backslash */
        }
    }
    /* Quoted, it fits on the first line of any header we write. */
    return n <= 40;
}

static enum syn_status
label_check(const char *label, struct syn_err *err)
{
    const char *p;

    if (label == NULL || *label == '\0')
        return syn_err_set(err, SYN_EINVAL, "missing list label");
    if (strlen(label) > 255)
        return syn_err_set(err, SYN_EINVAL, "list label too long");
    for (p = label; *p != '\0'; p++) {
        if (!ascii_isalnum(*p) && *p != '-' && *p != '.')
            return syn_err_set(err, SYN_EINVAL, "bad list label");
    }
    return SYN_OK;
}

enum syn_status
mime_header_address(struct buf *out, const char *name, const char *display,
                    const char *addr, struct syn_err *err)
{
    size_t col, len0 = out->len;
    enum syn_status st;

    if (strcmp(name, "List-Id") == 0) {
        st = label_check(addr, err);
    } else {
        st = mime_addr_check(addr, err);
    }
    if (st == SYN_OK && display != NULL) {
        st = mime_header_value_check(display, err);
    }
    if (st != SYN_OK)
        return st;
    col = strlen(name) + 1;
    st = buf_printf(out, "%s:", name);
    if (st == SYN_OK && display != NULL && *display != '\0') {
        if (quotable(display)) {
            const char *p;

            st = buf_append_str(out, " \"");
            for (p = display; st == SYN_OK && *p != '\0'; p++) {
                if (*p == '"' || *p == '\\') {
                    st = buf_append_char(out, '\\');
                }
                if (st == SYN_OK) {
                    st = buf_append_char(out, *p);
                }
                col++;
            }
            if (st == SYN_OK) {
                st = buf_append_char(out, '"');
            }
            col += 3;
        } else {
            st = append_encoded_words(out, display, &col);
        }
    }
    if (st == SYN_OK && col + 3 + strlen(addr) > SYN_MAIL_LINE_MAX &&
        col > strlen(name) + 1) {
        st = buf_append_str(out, "\r\n");
        col = 0;
    }
    if (st == SYN_OK) {
        st = buf_printf(out, " <%s>\r\n", addr);
    }
    if (st != SYN_OK) {
        buf_truncate(out, len0);
        return syn_err_set(err, st, "header %s: %s", name, syn_strerror(st));
    }
    return SYN_OK;
}

/* Length of the line break at s[i] (LF or CRLF), or 0. */
static size_t
eol_at(const char *s, size_t len, size_t i)
{
    if (s[i] == '\n')
        return 1;
    if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
        return 2;
    return 0;
}

/* Output of the encoder goes through a small chunk, flushed to the buf
 * when full: one buf_append() per 256 bytes instead of one per byte. */
struct qp_out {
    struct buf *b;
    char chunk[256];
    size_t n;
    enum syn_status st;
};

static void
qp_put(struct qp_out *q, const char *p, size_t n)
{
    if (q->n + n > sizeof(q->chunk)) {
        if (q->st == SYN_OK) {
            q->st = buf_append(q->b, q->chunk, q->n);
        }
        q->n = 0;
    }
    memcpy(q->chunk + q->n, p, n);
    q->n += n;
}

/* A byte quoted-printable leaves as it is wherever it stands (RFC 2045
 * 6.7 rule 2, minus the blanks of rule 3). */
static int
qp_plain(unsigned char c)
{
    return c >= 33 && c <= 126 && c != '=';
}

enum syn_status
mime_qp_encode(struct buf *out, const char *s, size_t len)
{
    struct qp_out q;
    size_t i = 0, col = 0, len0 = out->len;

    q.b = out;
    q.n = 0;
    q.st = SYN_OK;
    while (q.st == SYN_OK && i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t eol = eol_at(s, len, i);
        char rep[3];
        size_t rlen;
        int again;

        if (eol > 0) {
            qp_put(&q, "\r\n", 2);
            col = 0;
            i += eol;
            continue;
        }
        /* Fast path: a run of bytes that stand for themselves, up to the
         * soft-break column. Most of a mail is such runs; the rules for a
         * line's first byte and trailing blanks are left to the byte by
         * byte path below. */
        if (qp_plain(c) && col + 1 < SYN_MAIL_LINE_MAX &&
            (col > 0 || (c != '.' && c != 'F'))) {
            size_t n = 1, room = SYN_MAIL_LINE_MAX - 1 - col;

            /* A blank joins the run only when a byte other than a line
             * end follows it (rule 3 is then moot). */
            while (n < room && i + n < len &&
                   (qp_plain((unsigned char)s[i + n]) ||
                    ((s[i + n] == ' ' || s[i + n] == '\t') && i + n + 1 < len &&
                     s[i + n + 1] != '\n' && s[i + n + 1] != '\r'))) {
                n++;
            }
            qp_put(&q, s + i, n);
            col += n;
            i += n;
            continue;
        }
        do {
            int lit = (c >= 33 && c <= 126 && c != '=') || c == ' ' ||
                      c == '\t';

            /* Whitespace before a line end or the end is encoded (RFC 2045
             * rule 3); so are a leading '.' (SMTP dot-stuffing) and the 'F'
             * of a leading "From " (mbox escaping). */
            if ((c == ' ' || c == '\t') &&
                (i + 1 == len || eol_at(s, len, i + 1) > 0)) {
                lit = 0;
            }
            if (col == 0 && (c == '.' || (c == 'F' && len - i >= 5 &&
                                          memcmp(s + i, "From ", 5) == 0))) {
                lit = 0;
            }
            if (lit) {
                rep[0] = (char)c;
                rlen = 1;
            } else {
                rep[0] = '=';
                rep[1] = hexdig[c >> 4];
                rep[2] = hexdig[c & 15];
                rlen = 3;
            }
            again = 0;
            /* Room for the soft break '=' keeps lines within 76. */
            if (col + rlen > SYN_MAIL_LINE_MAX - 1) {
                qp_put(&q, "=\r\n", 3);
                col = 0;
                again = 1; /* the start-of-line rules may now apply */
            }
        } while (again);
        qp_put(&q, rep, rlen);
        col += rlen;
        i++;
    }
    if (q.st == SYN_OK && q.n > 0) {
        q.st = buf_append(out, q.chunk, q.n);
    }
    if (q.st != SYN_OK) {
        buf_truncate(out, len0);
    }
    return q.st;
}

void
mime_date(int64_t t, char out[MIME_DATE_LEN])
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                    "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;
    char tmp[96];

    if (gmtime_r(&tt, &tm) == NULL) {
        tt = 0;
        SYN_IGNORE(gmtime_r(&tt, &tm) == NULL);
    }
    /* Years past 9999 do not fit the format; they are not dates of mail. */
    if (tm.tm_year > 9999 - 1900 || tm.tm_year < -1900) {
        tm.tm_year = 9999 - 1900;
    }
    snprintf(tmp, sizeof(tmp), "%s, %02d %s %04d %02d:%02d:%02d +0000",
             days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    SYN_IGNORE(str_copy(out, MIME_DATE_LEN, tmp));
}

static void
random_hex(char *out, size_t nbytes)
{
    unsigned char r[32];

    if (nbytes > sizeof(r)) {
        nbytes = sizeof(r);
    }
    randombytes_buf(r, nbytes);
    sodium_bin2hex(out, 2 * nbytes + 1, r, nbytes);
}

/* A URL inside <> of List-Unsubscribe: printable ASCII, no spaces, no <>. */
static enum syn_status
bracket_url_check(const char *u, const char *what, struct syn_err *err)
{
    const char *p;

    if (strlen(u) > SYN_MAX_URL_BYTES)
        return syn_err_set(err, SYN_EINVAL, "%s too long", what);
    for (p = u; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == ',')
            return syn_err_set(err, SYN_EINVAL, "bad character in %s", what);
    }
    return SYN_OK;
}

static enum syn_status
append_list_unsubscribe(struct buf *out, const struct mime_message *m,
                        struct syn_err *err)
{
    enum syn_status st = SYN_OK;
    const char *sep = " ";

    if (m->unsub_url != NULL) {
        st = bracket_url_check(m->unsub_url, "unsubscribe URL", err);
        if (st == SYN_OK && str_ncasecmp(m->unsub_url, "http", 4) != 0) {
            st = syn_err_set(err, SYN_EINVAL, "unsubscribe URL not http(s)");
        }
    }
    if (st == SYN_OK && m->unsub_mailto != NULL) {
        st = bracket_url_check(m->unsub_mailto, "unsubscribe mailto", err);
        if (st == SYN_OK && str_ncasecmp(m->unsub_mailto, "mailto:", 7) != 0) {
            st = syn_err_set(err, SYN_EINVAL, "unsubscribe mailto bad");
        }
    }
    if (st != SYN_OK)
        return st;
    /* Each URL on its own folded line: tokens are long. */
    st = buf_append_str(out, "List-Unsubscribe:");
    if (st == SYN_OK && m->unsub_url != NULL) {
        st = buf_printf(out, "%s<%s>", sep, m->unsub_url);
        sep = ",\r\n ";
    }
    if (st == SYN_OK && m->unsub_mailto != NULL) {
        st = buf_printf(out, "%s<%s>", sep, m->unsub_mailto);
    }
    if (st == SYN_OK) {
        st = buf_append_str(out, "\r\n");
    }
    /* RFC 8058: the POST body a mail client sends for one click. */
    if (st == SYN_OK && m->unsub_url != NULL) {
        st = buf_append_str(out, "List-Unsubscribe-Post: "
                                 "List-Unsubscribe=One-Click\r\n");
    }
    return st;
}

static enum syn_status
append_part(struct buf *out, const char *boundary, const char *type,
            const char *body, bool encoded)
{
    enum syn_status st = SYN_OK;
    size_t n = strlen(body);

    if (boundary != NULL) {
        st = buf_printf(out, "\r\n--%s\r\n", boundary);
    }
    if (st == SYN_OK) {
        st = buf_printf(out,
                        "Content-Type: %s; charset=UTF-8\r\n"
                        "Content-Transfer-Encoding: quoted-printable\r\n"
                        "\r\n",
                        type);
    }
    if (st == SYN_OK) {
        st = encoded ? buf_append(out, body, n) : mime_qp_encode(out, body, n);
    }
    return st;
}

static enum syn_status
check_message(const struct mime_message *m, struct syn_err *err)
{
    enum syn_status st;

    if (m->text == NULL || m->subject == NULL)
        return syn_err_set(err, SYN_EINVAL, "message needs text and subject");
    if (!m->encoded && (!utf8_valid(m->text, strlen(m->text)) ||
                        (m->html != NULL &&
                         !utf8_valid(m->html, strlen(m->html)))))
        return syn_err_set(err, SYN_EINVAL, "message body is not UTF-8");
    if (m->reply_to != NULL) {
        st = mime_addr_check(m->reply_to, err);
        if (st != SYN_OK)
            return st;
    }
    if (m->message_id != NULL) {
        size_t i, n = strlen(m->message_id);

        if (n < 5 || n > 250 || m->message_id[0] != '<' ||
            m->message_id[n - 1] != '>' ||
            strchr(m->message_id, '@') == NULL)
            return syn_err_set(err, SYN_EINVAL, "bad Message-ID");
        for (i = 1; i + 1 < n; i++) {
            unsigned char c = (unsigned char)m->message_id[i];

            if (c <= ' ' || c >= 0x7f || c == '<' || c == '>')
                return syn_err_set(err, SYN_EINVAL, "bad Message-ID");
        }
    }
    if (m->boundary != NULL) {
        size_t i, n = strlen(m->boundary);

        if (n == 0 || n > 70)
            return syn_err_set(err, SYN_EINVAL, "bad boundary");
        for (i = 0; i < n; i++) {
            if (!ascii_isalnum(m->boundary[i]) &&
                strchr("'()+_,-./:=?", m->boundary[i]) == NULL)
                return syn_err_set(err, SYN_EINVAL, "bad boundary");
        }
    }
    return SYN_OK;
}

enum syn_status
mime_build(const struct mime_message *m, struct buf *out, struct syn_err *err)
{
    char date[MIME_DATE_LEN];
    char rnd[2 * 16 + 1];
    char boundary[80];
    const char *domain;
    size_t len0 = out->len;
    enum syn_status st;

    st = check_message(m, err);
    if (st != SYN_OK)
        return st;
    if (sodium_init() < 0)
        return syn_err_set(err, SYN_EINVAL, "libsodium unavailable");
    mime_date(m->date, date);
    st = buf_printf(out, "Date: %s\r\n", date);
    if (st == SYN_OK) {
        st = mime_header_address(out, "From", m->from_name, m->from_addr,
                                 err);
    }
    if (st == SYN_OK) {
        st = mime_header_address(out, "To", m->to_name, m->to_addr, err);
    }
    if (st == SYN_OK && m->reply_to != NULL) {
        st = mime_header_address(out, "Reply-To", NULL, m->reply_to, err);
    }
    if (st == SYN_OK) {
        st = mime_header_text(out, "Subject", m->subject, err);
    }
    if (st == SYN_OK && m->message_id != NULL) {
        st = buf_printf(out, "Message-ID: %s\r\n", m->message_id);
    } else if (st == SYN_OK) {
        /* from_addr passed mime_addr_check: it has an '@'. */
        domain = strrchr(m->from_addr, '@') + 1;
        random_hex(rnd, 16);
        st = buf_printf(out, "Message-ID: <%s.%lld@%s>\r\n", rnd,
                        (long long)m->date, domain);
    }
    if (st == SYN_OK && m->list_id != NULL) {
        st = mime_header_address(out, "List-Id", m->list_name, m->list_id,
                                 err);
    }
    if (st == SYN_OK && (m->unsub_url != NULL || m->unsub_mailto != NULL)) {
        st = append_list_unsubscribe(out, m, err);
    }
    if (st == SYN_OK && m->auto_submitted) {
        st = buf_append_str(out, "Auto-Submitted: auto-generated\r\n");
    }
    if (st == SYN_OK) {
        st = buf_append_str(out, "MIME-Version: 1.0\r\n");
    }
    if (st == SYN_OK && m->html == NULL) {
        st = append_part(out, NULL, "text/plain", m->text, m->encoded);
        if (st == SYN_OK) {
            st = buf_append_str(out, "\r\n");
        }
    } else if (st == SYN_OK) {
        /* "=_" never occurs in quoted-printable text, so the boundary
         * cannot collide with a body line (RFC 2045 section 6.7 note). */
        if (m->boundary != NULL) {
            snprintf(boundary, sizeof(boundary), "%s", m->boundary);
        } else {
            random_hex(rnd, 16);
            snprintf(boundary, sizeof(boundary), "=_%s", rnd);
        }
        st = buf_printf(out,
                        "Content-Type: multipart/alternative;\r\n"
                        " boundary=\"%s\"\r\n"
                        "\r\n"
                        "This is a multi-part message in MIME format.\r\n",
                        boundary);
        if (st == SYN_OK) {
            st = append_part(out, boundary, "text/plain", m->text,
                             m->encoded);
        }
        if (st == SYN_OK) {
            st = append_part(out, boundary, "text/html", m->html,
                             m->encoded);
        }
        if (st == SYN_OK) {
            st = buf_printf(out, "\r\n--%s--\r\n", boundary);
        }
    }
    if (st != SYN_OK) {
        buf_truncate(out, len0);
        if (err != NULL && err->code != st) {
            syn_err_set(err, st, "message: %s", syn_strerror(st));
        }
    }
    return st;
}
