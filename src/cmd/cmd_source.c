/* syndic source add|list|remove: manage the feeds syndic polls. */
#include <jansson.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "app/ctx.h"
#include "app/discover.h"
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/url.h"

const char cmd_source_help[] =
    "usage: syndic source add URL [--name NAME] [--partner SLUG]\n"
    "                             [--topic TOPIC]... [--no-check]\n"
    "       syndic source list [--json]\n"
    "       syndic source remove ID|URL\n"
    "\n"
    "add     add a feed to poll. URL is http(s), or file:// when [fetch]\n"
    "        allow_file is on. --partner attaches it to a partner of the\n"
    "        directory (syndic partner add); --topic files its stories\n"
    "        under a topic (repeatable). The URL is fetched once: a web\n"
    "        page is resolved to the feed it announces (<link\n"
    "        rel=alternate>, else the usual feed paths), and the command\n"
    "        says which it chose. When the URL cannot be fetched now, it\n"
    "        is added as given, with a warning. --no-check adds it\n"
    "        without fetching.\n"
    "list    every source with its fetch state; --json prints\n"
    "        [{\"id\", \"url\", \"title\", \"partner\", \"topics\",\n"
    "        \"last_status\", \"last_error\", \"errors\", \"next_fetch\",\n"
    "        \"items\", \"enabled\", \"disabled_reason\"}]\n"
    "remove  forget a source and its stories.\n";

enum { OPT_NAME = 1, OPT_PARTNER, OPT_TOPIC, OPT_JSON, OPT_NO_CHECK };

#define SOURCE_MAX_TOPICS 32

static bool
source_url_ok(const struct syn_ctx *ctx, const char *url)
{
    if (url_is_http(url))
        return true;
    return ctx->cfg.fetch_allow_file && str_ncasecmp(url, "file://", 7) == 0;
}

enum syn_status
cmd_source_add_url(struct syn_ctx *ctx, const char *url, const char *title,
                   int64_t partner_id, const char *const *topics,
                   size_t n_topics, int64_t *id, struct syn_err *err)
{
    struct store_source in;
    enum syn_status st;

    if (!source_url_ok(ctx, url))
        return syn_err_set(err, SYN_EINVAL,
                           "%s: only http(s) URLs%s are accepted", url,
                           ctx->cfg.fetch_allow_file
                               ? " and file://"
                               : " ([fetch] allow_file enables file://)");
    memset(&in, 0, sizeof(in));
    in.url = (char *)url;
    in.title = (char *)title;
    in.partner_id = partner_id;
    in.enabled = true;
    in.interval_s = (int)ctx->cfg.fetch_interval_s;
    st = store_source_add(ctx->store, &in, (int64_t)time(NULL), id, err);
    if (st == SYN_EEXIST)
        return syn_err_set(err, SYN_EEXIST, "%s is already source %lld", url,
                           (long long)*id);
    if (st == SYN_OK && n_topics > 0) {
        st = store_source_set_topics(ctx->store, *id, topics, n_topics, err);
    }
    return st;
}

static int
source_add(const struct cmd_env *env, struct syn_ctx *ctx, int argc,
           char **argv)
{
    static const struct opt_spec specs[] = {
        {"name", 0, true, OPT_NAME},
        {"partner", 0, true, OPT_PARTNER},
        {"topic", 0, true, OPT_TOPIC},
        {"no-check", 0, false, OPT_NO_CHECK},
        {NULL, 0, false, 0},
    };
    const char *topics[SOURCE_MAX_TOPICS];
    struct app_discovered found = {NULL, NULL, NULL};
    struct store_partner *partner = NULL;
    bool check = true;
    const char *url = NULL, *partner_slug = NULL, *title = NULL;
    struct syn_err err;
    struct opt_iter it;
    size_t n_topics = 0;
    int64_t id = 0;
    int opt, rc = CMD_RUNTIME;

    opt_init(&it, argc, argv, 2);
    while ((opt = opt_next(&it, specs)) != OPT_END) {
        switch (opt) {
        case OPT_ERROR:
            return cmd_usage_error(env, "source", "%s", it.error);
        case OPT_ARG:
            if (url != NULL)
                return cmd_usage_error(env, "source", "one URL at a time");
            url = it.value;
            break;
        case OPT_NAME:
            title = it.value;
            break;
        case OPT_PARTNER:
            partner_slug = it.value;
            break;
        case OPT_TOPIC:
            if (n_topics == SOURCE_MAX_TOPICS)
                return cmd_usage_error(env, "source", "at most %d topics",
                                       SOURCE_MAX_TOPICS);
            topics[n_topics++] = it.value;
            break;
        case OPT_NO_CHECK:
            check = false;
            break;
        }
    }
    if (url == NULL)
        return cmd_usage_error(env, "source", "add needs a URL");
    syn_err_clear(&err);
    if (check && source_url_ok(ctx, url)) {
        enum syn_status st = app_discover(ctx, url, &found, &err);

        if (st == SYN_OK) {
            if (strcmp(found.feed_url, url) != 0) {
                fprintf(env->out, "found feed %s (%s)\n", found.feed_url,
                        found.how);
            }
            url = found.feed_url;
            if (title == NULL) {
                title = found.title;
            }
        } else if (st == SYN_EPARSE || st == SYN_EDENIED ||
                   st == SYN_ENOMEM) {
            rc = cmd_fail(env, "source", "%s", err.msg);
            goto out;
        } else {
            fprintf(env->err,
                    "syndic source: warning: cannot check %s now (%s); "
                    "added as given\n",
                    url, err.msg);
        }
        syn_err_clear(&err);
    }
    if (store_begin(ctx->store, &err) != SYN_OK)
        goto fail;
    if (partner_slug != NULL &&
        store_partner_get(ctx->store, partner_slug, &partner, &err) !=
            SYN_OK) {
        if (err.code == SYN_ENOTFOUND) {
            syn_err_set(&err, SYN_ENOTFOUND,
                        "unknown partner '%s' (add it with 'syndic partner "
                        "add')",
                        partner_slug);
        }
        goto fail;
    }
    if (cmd_source_add_url(ctx, url, title, partner ? partner->id : 0, topics,
                           n_topics, &id, &err) != SYN_OK ||
        store_commit(ctx->store, &err) != SYN_OK)
        goto fail;
    fprintf(env->out, "source %lld: %s\n", (long long)id, url);
    rc = CMD_OK;
    goto out;
fail:
    SYN_IGNORE(store_rollback(ctx->store, NULL));
    rc = cmd_fail(env, "source", "%s", err.msg);
out:
    store_partner_free(partner);
    app_discovered_fini(&found);
    return rc;
}

static json_t *
cmd_json_string(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* JSON array of the comma-separated topics (new reference). */
static json_t *
topics_json(const char *topics)
{
    json_t *a = json_array();
    const char *p = topics != NULL ? topics : "";

    while (a != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

        if (n > 0) {
            json_array_append_new(a, json_stringn(p, n));
        }
        p += n + (end != NULL);
    }
    return a;
}

static int
source_list_json(const struct cmd_env *env,
                 const struct store_source_list *list)
{
    json_t *a = json_array();
    char when[32];
    size_t i;
    int ok;

    for (i = 0; a != NULL && i < list->n; i++) {
        const struct store_source *s = &list->v[i];

        json_array_append_new(
            a,
            json_pack("{s:I, s:s, s:o, s:o, s:o, s:i, s:o, s:i, s:o, s:I, "
                      "s:b, s:o}",
                      "id", (json_int_t)s->id, "url", s->url, "title",
                      cmd_json_string(s->title), "partner",
                      cmd_json_string(s->partner_slug), "topics",
                      topics_json(s->topics), "last_status", s->last_status,
                      "last_error", cmd_json_string(s->last_error), "errors",
                      s->errors, "next_fetch",
                      s->next_fetch != 0
                          ? json_string(cmd_format_time(s->next_fetch, when))
                          : json_null(),
                      "items", (json_int_t)s->n_items, "enabled",
                      s->enabled, "disabled_reason",
                      cmd_json_string(s->disabled_reason)));
    }
    ok = a != NULL && json_dumpf(a, env->out, JSON_INDENT(2)) == 0;
    json_decref(a);
    fputc('\n', env->out);
    return ok ? CMD_OK : cmd_fail(env, "source", "out of memory");
}

static int
source_list(const struct cmd_env *env, struct syn_ctx *ctx, int argc,
            char **argv)
{
    static const struct opt_spec specs[] = {{"json", 0, false, OPT_JSON},
                                            {NULL, 0, false, 0}};
    struct store_source_list *list = NULL;
    struct syn_err err;
    struct opt_iter it;
    bool json = false;
    char when[32];
    size_t i;
    int opt, rc;

    opt_init(&it, argc, argv, 2);
    while ((opt = opt_next(&it, specs)) != OPT_END) {
        if (opt == OPT_ERROR)
            return cmd_usage_error(env, "source", "%s", it.error);
        if (opt == OPT_ARG)
            return cmd_usage_error(env, "source", "list takes no argument");
        json = true;
    }
    syn_err_clear(&err);
    if (store_source_list(ctx->store, &list, &err) != SYN_OK)
        return cmd_fail(env, "source", "%s", err.msg);
    if (json) {
        rc = source_list_json(env, list);
        store_source_list_free(list);
        return rc;
    }
    for (i = 0; i < list->n; i++) {
        const struct store_source *s = &list->v[i];

        fprintf(env->out, "%lld\t%s\t%s\titems=%lld status=%d errors=%d%s%s",
                (long long)s->id, s->url, s->title ? s->title : "-",
                (long long)s->n_items, s->last_status, s->errors,
                s->next_fetch ? " next=" : "",
                cmd_format_time(s->next_fetch, when));
        if (!s->enabled) {
            fprintf(env->out, " disabled=\"%s\"",
                    s->disabled_reason ? s->disabled_reason : "");
        }
        if (s->last_error != NULL) {
            fprintf(env->out, " error=\"%s\"", s->last_error);
        }
        fputc('\n', env->out);
    }
    store_source_list_free(list);
    return CMD_OK;
}

static int
source_remove(const struct cmd_env *env, struct syn_ctx *ctx, int argc,
              char **argv)
{
    struct store_source *src = NULL;
    struct syn_err err;
    long id = 0;

    if (argc != 3)
        return cmd_usage_error(env, "source", "remove needs one ID or URL");
    syn_err_clear(&err);
    if (str_to_long(argv[2], 1, LONG_MAX,
                    &id) == SYN_OK) {
        if (store_source_remove(ctx->store, id, &err) != SYN_OK)
            return cmd_fail(env, "source", "source %ld: %s", id, err.msg);
        fprintf(env->out, "removed source %ld\n", id);
        return CMD_OK;
    }
    if (store_source_get_by_url(ctx->store, argv[2], &src, &err) != SYN_OK)
        return cmd_fail(env, "source", "%s: %s", argv[2], err.msg);
    id = (long)src->id;
    store_source_free(src);
    if (store_source_remove(ctx->store, id, &err) != SYN_OK)
        return cmd_fail(env, "source", "%s: %s", argv[2], err.msg);
    fprintf(env->out, "removed source %ld\n", id);
    return CMD_OK;
}

int
cmd_source(const struct cmd_env *env, int argc, char **argv)
{
    struct syn_ctx ctx;
    int rc;

    if (argc < 2)
        return cmd_usage_error(env, "source", "add, list or remove?");
    if (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0 &&
        strcmp(argv[1], "remove") != 0)
        return cmd_usage_error(env, "source", "unknown action '%s'",
                               argv[1]);
    rc = cmd_open_ctx(env, "source", CTX_STORE, &ctx);
    if (rc != CMD_OK)
        return rc;
    if (strcmp(argv[1], "add") == 0) {
        rc = source_add(env, &ctx, argc, argv);
    } else if (strcmp(argv[1], "list") == 0) {
        rc = source_list(env, &ctx, argc, argv);
    } else {
        rc = source_remove(env, &ctx, argc, argv);
    }
    ctx_close(&ctx);
    return rc;
}
