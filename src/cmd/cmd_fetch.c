/* syndic fetch: poll the due (or all, or one) sources once. */
#include <string.h>

#include "app/ctx.h"
#include "app/ingest.h"
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "store/store.h"
#include "util/str.h"

const char cmd_fetch_help[] =
    "usage: syndic fetch [--all] [--source ID]\n"
    "\n"
    "Poll the sources that are due once, store new and changed stories,\n"
    "and print one summary line:\n"
    "  fetch: SOURCES sources, F fetched, N not modified, E failed,\n"
    "         NEW new, UPD updated, DUP duplicates, SECONDS s\n"
    "--all polls every enabled source whether due or not; --source ID\n"
    "polls one source (even a disabled one). With -v, one line per failed\n"
    "source; with -vv, one line per source.\n";

enum { OPT_ALL = 1, OPT_SOURCE };

static void
report_source(void *user, const struct ingest_source_report *r)
{
    const struct cmd_env *env = user;

    if (r->failed && env->verbosity >= 1) {
        fprintf(env->err, "fetch: source %lld %s: failed%s: %s\n",
                (long long)r->source->id, r->source->url,
                r->disabled ? " (now disabled)" : "",
                r->error != NULL ? r->error : "");
    } else if (!r->failed && env->verbosity >= 2) {
        fprintf(env->err,
                "fetch: source %lld %s: %s, %zu new, %zu updated, %zu "
                "duplicates\n",
                (long long)r->source->id, r->source->url,
                r->not_modified ? "not modified" : "ok", r->new_items,
                r->updated_items, r->duplicates);
    }
}

int
cmd_fetch(const struct cmd_env *env, int argc, char **argv)
{
    static const struct opt_spec specs[] = {
        {"all", 0, false, OPT_ALL},
        {"source", 0, true, OPT_SOURCE},
        {NULL, 0, false, 0},
    };
    struct ingest_opts opts = {false, 0, report_source, (void *)env};
    struct ingest_stats stats;
    struct syn_ctx ctx;
    struct syn_err err;
    struct opt_iter it;
    long id;
    int opt, rc;

    opt_init(&it, argc, argv, 1);
    while ((opt = opt_next(&it, specs)) != OPT_END) {
        switch (opt) {
        case OPT_ERROR:
            return cmd_usage_error(env, "fetch", "%s", it.error);
        case OPT_ARG:
            return cmd_usage_error(env, "fetch", "unexpected '%s'",
                                   it.value);
        case OPT_ALL:
            opts.all = true;
            break;
        case OPT_SOURCE:
            if (str_to_long(it.value, 1, 0x7fffffffL, &id) != SYN_OK)
                return cmd_usage_error(env, "fetch",
                                       "--source needs a source id");
            opts.source_id = id;
            break;
        }
    }
    rc = cmd_open_ctx(env, "fetch", CTX_STORE, &ctx);
    if (rc != CMD_OK)
        return rc;
    syn_err_clear(&err);
    if (ingest_run(&ctx, &opts, &stats, &err) != SYN_OK) {
        rc = cmd_fail(env, "fetch", "%s", err.msg);
    } else {
        fprintf(env->out,
                "fetch: %zu sources, %zu fetched, %zu not modified, %zu "
                "failed, %zu new, %zu updated, %zu duplicates, %.2f s\n",
                stats.sources, stats.fetched, stats.not_modified,
                stats.failed, stats.new_items, stats.updated_items,
                stats.duplicates, stats.seconds);
    }
    ctx_close(&ctx);
    return rc;
}
