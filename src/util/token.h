/* Signed, expiring tokens for links in mail (confirm a subscription, open
 * the preferences page, unsubscribe in one click).
 *
 * A token is base64url (RFC 4648 section 5, no padding) of
 *   version(1) purpose(1) expires_at(8, big-endian unix seconds)
 *   subject(n) mac(32)
 * where mac = HMAC-SHA-256 (libsodium crypto_auth_hmacsha256) under a key
 * kept in the store's settings table, over a domain string
 * "syndic-token-v1", the purpose, the expiry and the subject. The subject
 * (a subscriber id or an address) travels in the clear inside the token:
 * tokens are integrity-protected, not encrypted. Verification compares MACs
 * with sodium_memcmp() (constant time) and looks at the expiry only once
 * the MAC is good, so a forged token learns nothing from the answer.
 *
 * Pure functions over caller-provided key bytes; no I/O, no globals.
 * Thread rules: safe from any thread once sodium_init() has run (it is
 * called by token_key_generate() and is idempotent). */
#ifndef SYNDIC_UTIL_TOKEN_H
#define SYNDIC_UTIL_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

/* Key length: crypto_auth_hmacsha256_KEYBYTES. Longer keys are accepted by
 * the API (HMAC hashes them); shorter ones are refused. */
#define TOKEN_KEY_BYTES 32
/* Key as stored in settings: lowercase hex, without the NUL. */
#define TOKEN_KEY_HEX_LEN (2 * TOKEN_KEY_BYTES)

enum token_purpose {
    TOKEN_CONFIRM = 1,     /* double opt-in confirmation link */
    TOKEN_PREFERENCES = 2, /* manage topics and frequency */
    TOKEN_UNSUBSCRIBE = 3, /* one-click unsubscribe (RFC 8058) */
};

/* Fill key[TOKEN_KEY_BYTES] with fresh random bytes (libsodium).
 * SYN_EINVAL if libsodium cannot initialise. */
enum syn_status token_key_generate(unsigned char key[TOKEN_KEY_BYTES])
    SYN_NODISCARD;

/* Key bytes <-> hex text for the settings table. hex_out has room for
 * TOKEN_KEY_HEX_LEN + 1 bytes. token_key_from_hex: SYN_EINVAL unless hex is
 * exactly TOKEN_KEY_HEX_LEN hex digits. */
void token_key_to_hex(const unsigned char key[TOKEN_KEY_BYTES],
                      char hex_out[TOKEN_KEY_HEX_LEN + 1]);
enum syn_status token_key_from_hex(const char *hex,
                                   unsigned char key[TOKEN_KEY_BYTES])
    SYN_NODISCARD;

/* Append the token for (purpose, subject, expires_at) to out.
 * subject: 1..SYN_MAX_TOKEN_SUBJECT bytes, any bytes but NUL.
 * SYN_EINVAL for a short key, a bad purpose or subject; buf errors.
 * On failure out is unchanged. */
enum syn_status token_sign(const unsigned char *key, size_t key_len,
                           enum token_purpose purpose, const char *subject,
                           int64_t expires_at, struct buf *out,
                           struct syn_err *err) SYN_NODISCARD;

/* Check token for purpose at time now (unix seconds). On SYN_OK the subject
 * is appended to subject_out and *expires_at (if not NULL) is set.
 * SYN_EAUTH: malformed, wrong purpose, or the MAC does not match (tampered
 * or signed with another key). SYN_ETIMEOUT: genuine but expired
 * (now >= expires_at). SYN_EINVAL: short key. subject_out is unchanged on
 * any failure. */
enum syn_status token_verify(const unsigned char *key, size_t key_len,
                             enum token_purpose purpose, const char *token,
                             int64_t now, struct buf *subject_out,
                             int64_t *expires_at /* out, may be NULL */,
                             struct syn_err *err) SYN_NODISCARD;

#endif
