/* syndic partner add|list|remove: the partners directory. */
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "app/ctx.h"
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "store/store.h"
#include "util/ascii.h"
#include "util/url.h"

const char cmd_partner_help[] =
    "usage: syndic partner add SLUG --name NAME [--url URL] [--logo URL]\n"
    "                          [--description TEXT] [--feed URL]...\n"
    "       syndic partner list [--json]\n"
    "       syndic partner remove SLUG\n"
    "\n"
    "add     add a partner to the directory (/partners). SLUG is a short\n"
    "        name of letters, digits and '-'. Each --feed adds a source\n"
    "        whose stories carry the partner's badge.\n"
    "list    the partners; --json prints [{\"id\", \"slug\", \"name\",\n"
    "        \"url\", \"logo\", \"description\"}]\n"
    "remove  remove a partner; its sources stay, without the badge.\n";

enum { OPT_NAME = 1, OPT_URL, OPT_LOGO, OPT_DESCRIPTION, OPT_FEED, OPT_JSON };

#define PARTNER_MAX_FEEDS 32
#define PARTNER_MAX_SLUG 64

static bool
slug_ok(const char *slug)
{
    size_t i;

    for (i = 0; slug[i] != '\0'; i++) {
        unsigned char c = (unsigned char)slug[i];

        if (!(ascii_isdigit(c) || (c >= 'a' && c <= 'z') || c == '-'))
            return false;
    }
    return i > 0 && i <= PARTNER_MAX_SLUG;
}

static int
partner_add(const struct cmd_env *env, struct syn_ctx *ctx, int argc,
            char **argv)
{
    static const struct opt_spec specs[] = {
        {"name", 0, true, OPT_NAME},
        {"url", 0, true, OPT_URL},
        {"logo", 0, true, OPT_LOGO},
        {"description", 0, true, OPT_DESCRIPTION},
        {"feed", 0, true, OPT_FEED},
        {NULL, 0, false, 0},
    };
    const char *feeds[PARTNER_MAX_FEEDS];
    struct store_partner in;
    struct syn_err err;
    struct opt_iter it;
    size_t n_feeds = 0, i;
    int64_t id = 0, source_id = 0;
    int opt;

    memset(&in, 0, sizeof(in));
    opt_init(&it, argc, argv, 2);
    while ((opt = opt_next(&it, specs)) != OPT_END) {
        switch (opt) {
        case OPT_ERROR:
            return cmd_usage_error(env, "partner", "%s", it.error);
        case OPT_ARG:
            if (in.slug != NULL)
                return cmd_usage_error(env, "partner", "one SLUG at a time");
            in.slug = (char *)it.value;
            break;
        case OPT_NAME:
            in.name = (char *)it.value;
            break;
        case OPT_URL:
            in.url = (char *)it.value;
            break;
        case OPT_LOGO:
            in.logo = (char *)it.value;
            break;
        case OPT_DESCRIPTION:
            in.description = (char *)it.value;
            break;
        case OPT_FEED:
            if (n_feeds == PARTNER_MAX_FEEDS)
                return cmd_usage_error(env, "partner", "at most %d feeds",
                                       PARTNER_MAX_FEEDS);
            feeds[n_feeds++] = it.value;
            break;
        }
    }
    if (in.slug == NULL || in.name == NULL || in.name[0] == '\0')
        return cmd_usage_error(env, "partner", "add needs SLUG and --name");
    if (!slug_ok(in.slug))
        return cmd_usage_error(env, "partner",
                               "slug '%s': use a-z, 0-9 and '-' (at most %d)",
                               in.slug, PARTNER_MAX_SLUG);
    if ((in.url != NULL && !url_is_http(in.url)) ||
        (in.logo != NULL && !url_is_http(in.logo)))
        return cmd_usage_error(env, "partner",
                               "--url and --logo must be http(s) URLs");
    syn_err_clear(&err);
    if (store_begin(ctx->store, &err) != SYN_OK ||
        store_partner_add(ctx->store, &in, (int64_t)time(NULL), &id, &err) !=
            SYN_OK)
        goto fail;
    for (i = 0; i < n_feeds; i++) {
        if (cmd_source_add_url(ctx, feeds[i], NULL, id, NULL, 0, &source_id,
                               &err) != SYN_OK)
            goto fail;
    }
    if (store_commit(ctx->store, &err) != SYN_OK)
        goto fail;
    fprintf(env->out, "partner %s: %s (%zu feed%s)\n", in.slug, in.name,
            n_feeds, n_feeds == 1 ? "" : "s");
    return CMD_OK;
fail:
    SYN_IGNORE(store_rollback(ctx->store, NULL));
    if (err.code == SYN_EEXIST && source_id == 0)
        return cmd_fail(env, "partner", "partner '%s' already exists",
                        in.slug);
    return cmd_fail(env, "partner", "%s", err.msg);
}

static json_t *
json_string_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static int
partner_list(const struct cmd_env *env, struct syn_ctx *ctx, int argc,
             char **argv)
{
    static const struct opt_spec specs[] = {{"json", 0, false, OPT_JSON},
                                            {NULL, 0, false, 0}};
    struct store_partner_list *list = NULL;
    struct syn_err err;
    struct opt_iter it;
    json_t *a = NULL;
    bool json = false;
    size_t i;
    int opt, rc = CMD_OK;

    opt_init(&it, argc, argv, 2);
    while ((opt = opt_next(&it, specs)) != OPT_END) {
        if (opt == OPT_ERROR)
            return cmd_usage_error(env, "partner", "%s", it.error);
        if (opt == OPT_ARG)
            return cmd_usage_error(env, "partner", "list takes no argument");
        json = true;
    }
    syn_err_clear(&err);
    if (store_partner_list(ctx->store, &list, &err) != SYN_OK)
        return cmd_fail(env, "partner", "%s", err.msg);
    if (json) {
        a = json_array();
    }
    for (i = 0; i < list->n; i++) {
        const struct store_partner *p = &list->v[i];

        if (!json) {
            fprintf(env->out, "%s\t%s\t%s\n", p->slug, p->name,
                    p->url != NULL ? p->url : "-");
            continue;
        }
        json_array_append_new(
            a, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "id",
                         (json_int_t)p->id, "slug", p->slug, "name", p->name,
                         "url", json_string_or_null(p->url), "logo",
                         json_string_or_null(p->logo), "description",
                         json_string_or_null(p->description)));
    }
    if (json) {
        if (a == NULL || json_dumpf(a, env->out, JSON_INDENT(2)) != 0) {
            rc = cmd_fail(env, "partner", "out of memory");
        }
        fputc('\n', env->out);
        json_decref(a);
    }
    store_partner_list_free(list);
    return rc;
}

static int
partner_remove(const struct cmd_env *env, struct syn_ctx *ctx, int argc,
               char **argv)
{
    struct store_partner *p = NULL;
    struct syn_err err;
    enum syn_status st;

    if (argc != 3)
        return cmd_usage_error(env, "partner", "remove needs one SLUG");
    syn_err_clear(&err);
    st = store_partner_get(ctx->store, argv[2], &p, &err);
    if (st == SYN_OK) {
        st = store_partner_remove(ctx->store, p->id, &err);
    }
    store_partner_free(p);
    if (st != SYN_OK)
        return cmd_fail(env, "partner", "%s: %s", argv[2],
                        st == SYN_ENOTFOUND ? "no such partner" : err.msg);
    fprintf(env->out, "removed partner %s\n", argv[2]);
    return CMD_OK;
}

int
cmd_partner(const struct cmd_env *env, int argc, char **argv)
{
    struct syn_ctx ctx;
    int rc;

    if (argc < 2)
        return cmd_usage_error(env, "partner", "add, list or remove?");
    if (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0 &&
        strcmp(argv[1], "remove") != 0)
        return cmd_usage_error(env, "partner", "unknown action '%s'",
                               argv[1]);
    rc = cmd_open_ctx(env, "partner", CTX_STORE, &ctx);
    if (rc != CMD_OK)
        return rc;
    if (strcmp(argv[1], "add") == 0) {
        rc = partner_add(env, &ctx, argc, argv);
    } else if (strcmp(argv[1], "list") == 0) {
        rc = partner_list(env, &ctx, argc, argv);
    } else {
        rc = partner_remove(env, &ctx, argc, argv);
    }
    ctx_close(&ctx);
    return rc;
}
