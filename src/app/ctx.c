/* The application context (see ctx.h). */
#include "app/ctx.h"

#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/mem.h"

/* The database path: --db/SYNDIC_DB, then [store] path, then ./syndic.db. */
static const char *
ctx_db_path(const struct syn_ctx *ctx, const struct ctx_opts *opts)
{
    if (opts->db_path != NULL && opts->db_path[0] != '\0')
        return opts->db_path;
    if (ctx->cfg.store_path != NULL)
        return ctx->cfg.store_path;
    return "syndic.db";
}

static enum log_level
ctx_log_level(const char *configured, int verbosity)
{
    enum log_level level = LOG_INFO;
    int l;

    if (configured != NULL) {
        SYN_IGNORE(log_level_parse(configured, &level));
    }
    l = (int)level + verbosity;
    if (l < (int)LOG_ERROR) {
        l = LOG_ERROR;
    }
    if (l > (int)LOG_DEBUG) {
        l = LOG_DEBUG;
    }
    return (enum log_level)l;
}

enum syn_status
ctx_open(struct syn_ctx *ctx, const struct ctx_opts *opts,
         struct syn_err *err)
{
    enum syn_status st;
    enum log_level level;

    memset(ctx, 0, sizeof(*ctx));
    if (opts->config_path != NULL) {
        st = config_load(&ctx->cfg, opts->config_path, err);
    } else if ((st = config_init(&ctx->cfg)) != SYN_OK) {
        syn_err_set(err, st, "out of memory");
    }
    if (st != SYN_OK)
        return st;
    if (ctx->cfg.log_level != NULL &&
        log_level_parse(ctx->cfg.log_level, &level) != SYN_OK) {
        st = syn_err_set(err, SYN_ECONFIG,
                         "[log] level must be error, warn, info or debug");
        goto fail;
    }
    ctx->log.level = ctx_log_level(ctx->cfg.log_level, opts->verbosity);
    ctx->log.out = NULL;
    ctx->db_path = syn_strdup(ctx_db_path(ctx, opts));
    if (ctx->db_path == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto fail;
    }
    if (!(opts->flags & CTX_STORE))
        return SYN_OK;
    if (!(opts->flags & CTX_CREATE) && access(ctx->db_path, F_OK) != 0) {
        st = syn_err_set(err, SYN_ENOTFOUND,
                         "no database at %s (run 'syndic init' first, or "
                         "pass --db)",
                         ctx->db_path);
        goto fail;
    }
    st = store_open(ctx->db_path, &ctx->store, err);
    if (st != SYN_OK)
        goto fail;
    st = store_migrate(ctx->store, NULL, err);
    if (st != SYN_OK)
        goto fail;
    return SYN_OK;
fail:
    ctx_close(ctx);
    return st;
}

enum syn_status
ctx_store_open(const struct syn_ctx *ctx, struct store **out,
               struct syn_err *err)
{
    return store_open(ctx->db_path, out, err);
}

void
ctx_close(struct syn_ctx *ctx)
{
    store_close(ctx->store);
    ctx->store = NULL;
    syn_free(ctx->db_path);
    ctx->db_path = NULL;
    config_fini(&ctx->cfg);
}
