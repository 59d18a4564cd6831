/* Site secrets (see secret.h): hex in the settings table. */
#include "app/secret.h"

#include <sodium.h>
#include <string.h>

#include "store/store.h"
#include "util/mem.h"

static enum syn_status secret_get_or_create(struct store *s, const char *name,
                                            unsigned char key[APP_SECRET_BYTES],
                                            bool *created, struct syn_err *err);

enum syn_status
app_secret_get(struct store *s, const char *name,
               unsigned char key[APP_SECRET_BYTES], bool *created,
               struct syn_err *err)
{
    enum syn_status st;
    bool own_tx;

    if (created != NULL) {
        *created = false;
    }
    if (sodium_init() < 0)
        return syn_err_set(err, SYN_EIO, "libsodium failed to initialize");
    /* Read-then-create under the write lock: two processes starting on a
     * fresh database (serve's web and mail threads, a cron'd command) must
     * end up with the same key. Inside a caller's transaction the lock is
     * already held. */
    own_tx = store_begin(s, NULL) == SYN_OK;
    st = secret_get_or_create(s, name, key, created, err);
    if (own_tx) {
        if (st == SYN_OK) {
            st = store_commit(s, err);
        } else {
            SYN_IGNORE(store_rollback(s, NULL));
        }
    }
    return st;
}

static enum syn_status
secret_get_or_create(struct store *s, const char *name,
                     unsigned char key[APP_SECRET_BYTES], bool *created,
                     struct syn_err *err)
{
    char hex[APP_SECRET_BYTES * 2 + 1];
    enum syn_status st;
    char *value = NULL;
    size_t n = 0;

    st = store_setting_get(s, name, &value, err);
    if (st == SYN_OK) {
        if (sodium_hex2bin(key, APP_SECRET_BYTES, value, strlen(value), NULL,
                           &n, NULL) != 0 ||
            n != APP_SECRET_BYTES) {
            st = syn_err_set(err, SYN_EINVAL, "setting %s is corrupt", name);
        }
        sodium_memzero(value, strlen(value));
        syn_free(value);
        return st;
    }
    if (st != SYN_ENOTFOUND)
        return st;
    randombytes_buf(key, APP_SECRET_BYTES);
    sodium_bin2hex(hex, sizeof(hex), key, APP_SECRET_BYTES);
    st = store_setting_set(s, name, hex, err);
    sodium_memzero(hex, sizeof(hex));
    if (st == SYN_OK && created != NULL) {
        *created = true;
    }
    return st;
}
