/* Signed expiring tokens (see token.h for the format and its reasons). */
#include "util/token.h"

#include <string.h>

#include <sodium.h>

#include "util/limits.h"

#define TOKEN_VERSION 1
#define TOKEN_MAC_BYTES crypto_auth_hmacsha256_BYTES
#define TOKEN_HEAD_BYTES 10 /* version, purpose, expires_at */
#define TOKEN_MAX_RAW                                                          \
    (TOKEN_HEAD_BYTES + SYN_MAX_TOKEN_SUBJECT + TOKEN_MAC_BYTES)

/* Domain separation: a MAC made by this format for one purpose can never
 * be replayed as another syndic MAC (CSRF tokens use another domain). */
static const char token_domain[] = "syndic-token-v1";

_Static_assert(TOKEN_KEY_BYTES == crypto_auth_hmacsha256_KEYBYTES,
               "token key size is HMAC-SHA-256's");
_Static_assert(SYN_MAX_TOKEN_BYTES > (TOKEN_MAX_RAW + 2) / 3 * 4,
               "SYN_MAX_TOKEN_BYTES holds the longest token");

static int
purpose_ok(enum token_purpose p)
{
    return p == TOKEN_CONFIRM || p == TOKEN_PREFERENCES ||
           p == TOKEN_UNSUBSCRIBE;
}

static void
put_be64(unsigned char *p, uint64_t v)
{
    int i;

    for (i = 7; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t
get_be64(const unsigned char *p)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* MAC over domain || head || subject, where head carries the version, the
 * purpose and the expiry. */
static void
token_mac(const unsigned char *key, size_t key_len, const unsigned char *head,
          const unsigned char *subject, size_t subject_len,
          unsigned char mac[TOKEN_MAC_BYTES])
{
    crypto_auth_hmacsha256_state st;

    crypto_auth_hmacsha256_init(&st, key, key_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)token_domain,
                                  sizeof(token_domain));
    crypto_auth_hmacsha256_update(&st, head, TOKEN_HEAD_BYTES);
    crypto_auth_hmacsha256_update(&st, subject, subject_len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof(st));
}

enum syn_status
token_key_generate(unsigned char key[TOKEN_KEY_BYTES])
{
    if (sodium_init() < 0)
        return SYN_EINVAL;
    crypto_auth_hmacsha256_keygen(key);
    return SYN_OK;
}

void
token_key_to_hex(const unsigned char key[TOKEN_KEY_BYTES],
                 char hex_out[TOKEN_KEY_HEX_LEN + 1])
{
    sodium_bin2hex(hex_out, TOKEN_KEY_HEX_LEN + 1, key, TOKEN_KEY_BYTES);
}

enum syn_status
token_key_from_hex(const char *hex, unsigned char key[TOKEN_KEY_BYTES])
{
    size_t n = 0;
    const char *end = NULL;

    if (hex == NULL || strlen(hex) != TOKEN_KEY_HEX_LEN)
        return SYN_EINVAL;
    if (sodium_hex2bin(key, TOKEN_KEY_BYTES, hex, TOKEN_KEY_HEX_LEN, NULL,
                       &n, &end) != 0 ||
        n != TOKEN_KEY_BYTES || *end != '\0') {
        sodium_memzero(key, TOKEN_KEY_BYTES);
        return SYN_EINVAL;
    }
    return SYN_OK;
}

enum syn_status
token_sign(const unsigned char *key, size_t key_len,
           enum token_purpose purpose, const char *subject,
           int64_t expires_at, struct buf *out, struct syn_err *err)
{
    unsigned char raw[TOKEN_MAX_RAW];
    char b64[SYN_MAX_TOKEN_BYTES];
    size_t n;

    if (key == NULL || key_len < TOKEN_KEY_BYTES)
        return syn_err_set(err, SYN_EINVAL, "token key too short");
    if (!purpose_ok(purpose))
        return syn_err_set(err, SYN_EINVAL, "unknown token purpose %d",
                           (int)purpose);
    n = subject != NULL ? strlen(subject) : 0;
    if (n == 0 || n > SYN_MAX_TOKEN_SUBJECT)
        return syn_err_set(err, SYN_EINVAL,
                           "token subject must be 1..%d bytes",
                           SYN_MAX_TOKEN_SUBJECT);
    raw[0] = TOKEN_VERSION;
    raw[1] = (unsigned char)purpose;
    put_be64(raw + 2, (uint64_t)expires_at);
    memcpy(raw + TOKEN_HEAD_BYTES, subject, n);
    token_mac(key, key_len, raw, raw + TOKEN_HEAD_BYTES, n,
              raw + TOKEN_HEAD_BYTES + n);
    n += TOKEN_HEAD_BYTES + TOKEN_MAC_BYTES;
    sodium_bin2base64(b64, sizeof(b64), raw, n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return buf_append_str(out, b64);
}

enum syn_status
token_verify(const unsigned char *key, size_t key_len,
             enum token_purpose purpose, const char *token, int64_t now,
             struct buf *subject_out, int64_t *expires_at,
             struct syn_err *err)
{
    unsigned char raw[TOKEN_MAX_RAW];
    unsigned char mac[TOKEN_MAC_BYTES];
    const char *end = NULL;
    size_t tlen, n = 0, subject_len;
    int64_t exp;
    enum syn_status st;

    if (key == NULL || key_len < TOKEN_KEY_BYTES)
        return syn_err_set(err, SYN_EINVAL, "token key too short");
    tlen = token != NULL ? strlen(token) : 0;
    if (tlen == 0 || tlen >= SYN_MAX_TOKEN_BYTES)
        return syn_err_set(err, SYN_EAUTH, "malformed token");
    if (sodium_base642bin(raw, sizeof(raw), token, tlen, NULL, &n, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != token + tlen)
        return syn_err_set(err, SYN_EAUTH, "malformed token");
    if (n <= TOKEN_HEAD_BYTES + TOKEN_MAC_BYTES || raw[0] != TOKEN_VERSION)
        return syn_err_set(err, SYN_EAUTH, "malformed token");
    subject_len = n - TOKEN_HEAD_BYTES - TOKEN_MAC_BYTES;
    token_mac(key, key_len, raw, raw + TOKEN_HEAD_BYTES, subject_len, mac);
    if (sodium_memcmp(mac, raw + TOKEN_HEAD_BYTES + subject_len,
                      TOKEN_MAC_BYTES) != 0)
        return syn_err_set(err, SYN_EAUTH, "token signature mismatch");
    /* The purpose is under the MAC: checking it after the MAC is safe. */
    if (raw[1] != (unsigned char)purpose)
        return syn_err_set(err, SYN_EAUTH, "token is for another purpose");
    if (memchr(raw + TOKEN_HEAD_BYTES, '\0', subject_len) != NULL)
        return syn_err_set(err, SYN_EAUTH, "malformed token subject");
    exp = (int64_t)get_be64(raw + 2);
    if (now >= exp)
        return syn_err_set(err, SYN_ETIMEOUT, "token expired");
    st = buf_append(subject_out, raw + TOKEN_HEAD_BYTES, subject_len);
    if (st != SYN_OK)
        return syn_err_set(err, st, "token subject: %s", syn_strerror(st));
    if (expires_at != NULL) {
        *expires_at = exp;
    }
    return SYN_OK;
}
