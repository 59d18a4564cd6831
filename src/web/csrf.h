/* CSRF tokens for the site's forms (subscribe, partner inquiry).
 *
 * Pages are cached and shared by every visitor, so a token cannot be tied
 * to a session: it is "<unix time>.<HMAC-SHA256(key, "csrf:" time)>" in
 * hex, valid for WEB_CSRF_TTL_S. It proves the form came from a page this
 * site rendered recently; the Origin/Referer check and rate limits of the
 * form handlers do the rest. The key is a site secret kept in the store's
 * settings (app_secret_get() "csrf_key"), so every node of a cluster
 * agrees.
 * Thread rules: pure functions. */
#ifndef SYNDIC_WEB_CSRF_H
#define SYNDIC_WEB_CSRF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/compiler.h"

#define WEB_CSRF_KEY_BYTES 32   /* = APP_SECRET_BYTES */
#define WEB_CSRF_TOKEN_BYTES 96 /* room for the token and its NUL */
/* A form stays usable for a day after its page was rendered. */
#define WEB_CSRF_TTL_S (24 * 3600)

/* Write the token for time now into out[WEB_CSRF_TOKEN_BYTES]. */
void web_csrf_make(const unsigned char key[WEB_CSRF_KEY_BYTES], int64_t now,
                   char out[WEB_CSRF_TOKEN_BYTES]);

/* True when token (may be NULL) was made with key at most WEB_CSRF_TTL_S
 * before now (and not more than a minute after: clock skew). */
bool web_csrf_check(const unsigned char key[WEB_CSRF_KEY_BYTES],
                    const char *token, int64_t now);

#endif
