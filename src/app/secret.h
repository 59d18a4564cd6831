/* Site secrets kept in the store's settings: the HMAC key that signs
 * opt-in, preferences and unsubscribe links. Created once (at `syndic
 * init`), never logged, wiped from memory by the caller after use. */
#ifndef SYNDIC_APP_SECRET_H
#define SYNDIC_APP_SECRET_H

#include <stdbool.h>

#include "util/compiler.h"
#include "util/err.h"

#define APP_SECRET_BYTES 32

struct store;

/* Load the key named name into key[], creating a random one first when
 * absent (*created says which, may be NULL). SYN_EDB, SYN_EINVAL when the
 * stored value is corrupt. The caller wipes key with sodium_memzero(). */
enum syn_status app_secret_get(struct store *s, const char *name,
                               unsigned char key[APP_SECRET_BYTES],
                               bool *created /* out */,
                               struct syn_err *err) SYN_NODISCARD;

#endif
