/* Building Internet messages: RFC 5322 headers, RFC 2045-2047 MIME with
 * UTF-8 text, quoted-printable bodies, RFC 2369 / RFC 8058 list headers.
 *
 * Everything here is pure: text in, text out, no I/O (the randomness for
 * Message-ID and the boundary comes from libsodium unless the caller pins
 * them). Output lines end in CRLF and stay within SYN_MAIL_LINE_MAX (76)
 * characters (but a URL or an address, which cannot be folded: RFC 5322
 * allows 998): headers are folded, non-ASCII header text becomes RFC 2047
 * "B" encoded-words split on UTF-8 character boundaries, bodies are
 * quoted-printable (RFC 2045 section 6.7).
 *
 * Header injection: any value that reaches a header (names, subjects, URLs,
 * addresses) is refused with SYN_EINVAL when it holds CR, LF, NUL or
 * another control character, is not valid UTF-8, or is longer than
 * SYN_MAX_HEADER_VALUE; addresses must be plain ASCII addr-specs
 * (local@domain without quoting, comments or SMTPUTF8).
 *
 * Thread rules: safe from any thread. */
#ifndef SYNDIC_MAIL_MIME_H
#define SYNDIC_MAIL_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"
#include "util/str.h"

/* "Sun, 29 Nov 2026 08:55:00 +0000" plus NUL. */
#define MIME_DATE_LEN 32

/* One message. Strings are borrowed, UTF-8, NUL-terminated; NULL = absent
 * where the comment allows it. */
struct mime_message {
    const char *from_name;    /* display name, may be NULL */
    const char *from_addr;    /* required */
    const char *to_name;      /* display name (from a user), may be NULL */
    const char *to_addr;      /* required */
    const char *reply_to;     /* address, may be NULL */
    const char *subject;      /* required (may be "") */
    int64_t date;             /* unix seconds for the Date header */
    const char *message_id;   /* "<...@...>", NULL: random @ from's domain */
    const char *list_name;    /* List-Id phrase, may be NULL */
    const char *list_id;      /* List-Id "label.domain", NULL: no List-Id */
    const char *unsub_url;    /* https one-click URL, may be NULL */
    const char *unsub_mailto; /* "mailto:...", may be NULL */
    bool auto_submitted;      /* RFC 3834 Auto-Submitted: auto-generated */
    const char *text;         /* text/plain body, required */
    const char *html;         /* text/html body; NULL: text/plain only */
    const char *boundary;     /* NULL: random; tests pin it */
    bool encoded;             /* text and html are already the output of
                                 mime_qp_encode() of valid UTF-8: they go
                                 in as they are (mail/digest.c encodes the
                                 lines shared by many digests once) */
};

/* Append the whole message (headers, blank line, body) to out.
 * SYN_EINVAL (err says which field) for a bad address, a header value with
 * CR/LF/controls or invalid UTF-8, an invalid body; SYN_ETOOBIG past
 * out's max or SYN_MAX_HEADER_VALUE; SYN_ENOMEM. out is unchanged on
 * failure. */
enum syn_status mime_build(const struct mime_message *m, struct buf *out,
                           struct syn_err *err) SYN_NODISCARD;

/* SYN_OK when value may go into a header: valid UTF-8, no control bytes
 * (CR and LF above all), at most SYN_MAX_HEADER_VALUE bytes. */
enum syn_status mime_header_value_check(const char *value,
                                        struct syn_err *err) SYN_NODISCARD;

/* SYN_OK when addr is an addr-spec syndic will send to: ASCII
 * local@domain, at most SYN_MAX_EMAIL_BYTES, local part a dot-atom of at
 * most 64 bytes, domain of letters, digits, '-' and '.' with a dot. */
enum syn_status mime_addr_check(const char *addr, struct syn_err *err)
    SYN_NODISCARD;

/* Split a configured mailbox "Name <addr>", "\"Name\" <addr>" or "addr"
 * into slices of s (the name may be empty). SYN_EINVAL when malformed. */
enum syn_status mime_mailbox_split(const char *s, struct str *name /* out */,
                                   struct str *addr /* out */) SYN_NODISCARD;

/* Append "Name: value" CRLF: value as it is, folded at spaces, when it is
 * short printable ASCII; else as RFC 2047 encoded-words. */
enum syn_status mime_header_text(struct buf *out, const char *name,
                                 const char *value, struct syn_err *err)
    SYN_NODISCARD;

/* Append "Name: display <addr>" CRLF (display quoted or encoded as needed,
 * omitted when NULL or empty). Also used for List-Id with the list label
 * in place of addr. */
enum syn_status mime_header_address(struct buf *out, const char *name,
                                    const char *display, const char *addr,
                                    struct syn_err *err) SYN_NODISCARD;

/* Append s[0..len) quoted-printable: lines end in CRLF (input LF or CRLF),
 * no line longer than 76, trailing space encoded, '.' and "From " at the
 * start of a line encoded so that no transport has to touch them. */
enum syn_status mime_qp_encode(struct buf *out, const char *s, size_t len)
    SYN_NODISCARD;

/* Format t as an RFC 5322 date-time in UTC into out. */
void mime_date(int64_t t, char out[MIME_DATE_LEN]);

#endif
