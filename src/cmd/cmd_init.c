/* syndic init: create or migrate the database; idempotent. */
#include <sodium.h>

#include "app/ctx.h"
#include "app/secret.h"
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "store/store.h"

const char cmd_init_help[] =
    "usage: syndic [--db PATH] init\n"
    "\n"
    "Create the database, or bring an existing one up to the current\n"
    "schema, and create the site's signing key. Safe to run again.\n";

int
cmd_init(const struct cmd_env *env, int argc, char **argv)
{
    static const struct opt_spec specs[] = {{NULL, 0, false, 0}};
    unsigned char key[APP_SECRET_BYTES];
    struct syn_ctx ctx;
    struct opt_iter it;
    struct store *s = NULL;
    struct syn_err err;
    int applied = 0, version = 0, rc;
    bool created = false;

    opt_init(&it, argc, argv, 1);
    switch (opt_next(&it, specs)) {
    case OPT_END:
        break;
    case OPT_ERROR:
        return cmd_usage_error(env, "init", "%s", it.error);
    default:
        return cmd_usage_error(env, "init", "takes no arguments");
    }
    rc = cmd_open_ctx(env, "init", 0, &ctx);
    if (rc != CMD_OK)
        return rc;
    syn_err_clear(&err);
    if (store_open(ctx.db_path, &s, &err) != SYN_OK ||
        store_migrate(s, &applied, &err) != SYN_OK ||
        store_schema_version(s, &version, NULL, &err) != SYN_OK ||
        app_secret_get(s, "hmac_key", key, &created, &err) != SYN_OK) {
        rc = cmd_fail(env, "init", "%s: %s", ctx.db_path, err.msg);
        goto out;
    }
    sodium_memzero(key, sizeof(key));
    fprintf(env->out, "%s: schema version %d (%d migration%s applied)%s\n",
            ctx.db_path, version, applied, applied == 1 ? "" : "s",
            created ? ", signing key created" : "");
    rc = CMD_OK;
out:
    store_close(s);
    ctx_close(&ctx);
    return rc;
}
