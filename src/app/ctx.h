/* The application context: everything long-lived that a command or the
 * server needs, passed explicitly (no globals): configuration, log, store.
 * Thread rules: the config and log are read-only after ctx_open(); the
 * store handle belongs to the thread that opened it (web threads open their
 * own with ctx_store_open()). */
#ifndef SYNDIC_APP_CTX_H
#define SYNDIC_APP_CTX_H

#include <stdbool.h>

#include "app/config.h"
#include "util/compiler.h"
#include "util/err.h"
#include "util/log.h"

struct store;

struct syn_ctx {
    struct syn_config cfg; /* owned */
    struct syn_log log;    /* level from config, -v/-q */
    char *db_path;         /* owned; resolved database path */
    struct store *store;   /* owned; NULL unless opened */
};

enum ctx_flags {
    CTX_STORE = 1 << 0,  /* open the store (and migrate it) */
    CTX_CREATE = 1 << 1, /* create the database file when missing */
};

struct ctx_opts {
    const char *config_path; /* NULL: defaults only */
    const char *db_path;     /* NULL: [store] path, else ./syndic.db */
    int verbosity;           /* added to the configured log level */
    unsigned flags;          /* enum ctx_flags */
};

/* Load the configuration and, with CTX_STORE, open and migrate the store.
 * Without CTX_CREATE a missing database is SYN_ENOTFOUND ("run syndic
 * init"). On failure nothing is left to release and err says why. */
enum syn_status ctx_open(struct syn_ctx *ctx, const struct ctx_opts *opts,
                         struct syn_err *err) SYN_NODISCARD;

/* Open another store handle on the same database (for another thread);
 * caller closes it with store_close(). */
enum syn_status ctx_store_open(const struct syn_ctx *ctx,
                               struct store **out /* out */,
                               struct syn_err *err) SYN_NODISCARD;

/* Release everything; ctx_close of a zeroed ctx is a no-op. */
void ctx_close(struct syn_ctx *ctx);

#endif
