/* CSRF tokens (see csrf.h), with libsodium's HMAC-SHA256. */
#include "web/csrf.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/str.h"

static void
mac_hex(const unsigned char key[WEB_CSRF_KEY_BYTES], long long t,
        char hex[2 * crypto_auth_hmacsha256_BYTES + 1])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char msg[40];
    int n = snprintf(msg, sizeof(msg), "csrf:%lld", t);

    crypto_auth_hmacsha256(mac, (const unsigned char *)msg,
                           n > 0 ? (size_t)n : 0, key);
    sodium_bin2hex(hex, 2 * crypto_auth_hmacsha256_BYTES + 1, mac, sizeof(mac));
}

void
web_csrf_make(const unsigned char key[WEB_CSRF_KEY_BYTES], int64_t now,
              char out[WEB_CSRF_TOKEN_BYTES])
{
    char hex[2 * crypto_auth_hmacsha256_BYTES + 1];

    mac_hex(key, (long long)now, hex);
    if (snprintf(out, WEB_CSRF_TOKEN_BYTES, "%lld.%s", (long long)now, hex) <
        0) {
        out[0] = '\0';
    }
}

bool
web_csrf_check(const unsigned char key[WEB_CSRF_KEY_BYTES], const char *token,
               int64_t now)
{
    char hex[2 * crypto_auth_hmacsha256_BYTES + 1], num[24];
    const char *dot;
    long t;

    if (token == NULL || (dot = strchr(token, '.')) == NULL ||
        (size_t)(dot - token) >= sizeof(num) ||
        strlen(dot + 1) != sizeof(hex) - 1)
        return false;
    memcpy(num, token, (size_t)(dot - token));
    num[dot - token] = '\0';
    if (str_to_long(num, 1, 1L << 40, &t) != SYN_OK)
        return false;
    if (t > now + 60 || now - t > WEB_CSRF_TTL_S)
        return false;
    mac_hex(key, t, hex);
    return sodium_memcmp(hex, dot + 1, sizeof(hex) - 1) == 0;
}
