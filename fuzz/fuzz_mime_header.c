/* Fuzz the header writers of mail/mime: any bytes as a subject, a display
 * name or an address either are refused, or give header lines that end in
 * CRLF, carry no other CR or LF (no header injection), stay within 76
 * characters (998 for a bare address, which cannot be folded), and hold
 * only printable ASCII. The input (up to its first NUL)
 * is used as a subject, a display name and an address; all of it is
 * quoted-printable encoded, whose lines must stay within 76. */
#include <stdint.h>
#include <string.h>

#include "mail/mime.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_lines(const struct buf *b, size_t max)
{
    size_t i, col = 0;

    if (b->len < 2 || b->data[b->len - 2] != '\r' ||
        b->data[b->len - 1] != '\n') {
        __builtin_trap();
    }
    for (i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->data[i];

        if (c == '\r') {
            if (i + 1 >= b->len || b->data[i + 1] != '\n') {
                __builtin_trap();
            }
            if (col > max) {
                __builtin_trap();
            }
            col = 0;
            i++;
            /* a continuation line starts with whitespace */
            if (i + 1 < b->len && b->data[i + 1] != ' ' &&
                b->data[i + 1] != '\t') {
                __builtin_trap();
            }
            continue;
        }
        if (c == '\n' || c >= 0x7f || (c < 0x20 && c != '\t')) {
            __builtin_trap();
        }
        col++;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *subject = syn_strndup((const char *)data, size);
    struct buf b;

    if (subject == NULL)
        return 0;
    buf_init(&b, 1 << 16);
    if (mime_header_text(&b, "Subject", subject, NULL) == SYN_OK) {
        check_lines(&b, SYN_MAIL_LINE_MAX);
    }
    buf_reset(&b);
    if (mime_header_address(&b, "To", subject, "a@example.org", NULL) ==
        SYN_OK) {
        check_lines(&b, SYN_MAIL_LINE_MAX);
    }
    buf_reset(&b);
    /* an address cannot be folded: up to 254 bytes on its line (RFC 5322
     * allows 998) */
    if (mime_header_address(&b, "To", NULL, subject, NULL) == SYN_OK) {
        check_lines(&b, 998);
    }
    buf_reset(&b);
    if (mime_qp_encode(&b, (const char *)data, size) == SYN_OK && b.len > 0) {
        size_t i, col = 0;

        for (i = 0; i < b.len; i++) {
            if (b.data[i] == '\n') {
                col = 0;
            } else if (++col > SYN_MAIL_LINE_MAX + 1) {
                __builtin_trap(); /* 76 plus the CR */
            }
        }
    }
    buf_fini(&b);
    syn_free(subject);
    return 0;
}
