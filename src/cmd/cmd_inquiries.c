/* syndic inquiries list|show|export|status: the partnership inquiries
 * sent through the /partner form. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/ctx.h"
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "store/store.h"
#include "util/ascii.h"
#include "util/str.h"
#include "util/url.h"

const char cmd_inquiries_help[] =
    "usage: syndic inquiries list [--json] [--status S]\n"
    "       syndic inquiries show ID\n"
    "       syndic inquiries export [--json]\n"
    "       syndic inquiries status ID new|contacted|accepted|declined\n"
    "                               [--create-partner]\n"
    "\n"
    "list    newest first; --json prints [{\"id\", \"organization\", "
    "\"name\",\n"
    "        \"email\", \"website\", \"country\", \"kind\", \"status\",\n"
    "        \"created\"}]\n"
    "show    one inquiry with its message\n"
    "export  every inquiry with its message, as CSV or JSON\n"
    "status  record where an inquiry stands; --create-partner also adds\n"
    "        the organization to the partners directory (slug from its\n"
    "        name, its website as URL).\n";

enum { OPT_JSON = 1, OPT_STATUS, OPT_CREATE };

#define INQ_MAX_SLUG 64

static json_t *
inq_json(const void *row, bool full)
{
    const struct store_inquiry *q = row;
    char t[32];
    json_t *o = json_object();

    if (o == NULL)
        return NULL;
    json_object_set_new(o, "id", json_integer(q->id));
    json_object_set_new(o, "organization", json_string(q->organization));
    json_object_set_new(o, "name", json_string(q->name));
    json_object_set_new(o, "email", json_string(q->email));
    json_object_set_new(o, "website", cmd_json_str_or_null(q->website));
    json_object_set_new(o, "country", cmd_json_str_or_null(q->country));
    json_object_set_new(o, "kind", json_string(q->kind));
    json_object_set_new(o, "status",
                        json_string(store_inquiry_status_name(q->status)));
    json_object_set_new(o, "created",
                        json_string(cmd_format_time(q->created, t)));
    if (full) {
        json_object_set_new(o, "message", json_string(q->message));
        json_object_set_new(o, "ip", cmd_json_str_or_null(q->ip));
    }
    return o;
}

static void
print_csv(const struct cmd_env *env, const struct store_inquiry_list *l)
{
    size_t i;

    fputs("id,organization,name,email,website,country,kind,status,created,"
          "message\r\n",
          env->out);
    for (i = 0; i < l->n; i++) {
        const struct store_inquiry *q = &l->v[i];
        char id[24], t[32];

        snprintf(id, sizeof(id), "%" PRId64, q->id);
        cmd_csv_field(env->out, id, true, false);
        cmd_csv_field(env->out, q->organization, true, false);
        cmd_csv_field(env->out, q->name, true, false);
        cmd_csv_field(env->out, q->email, true, false);
        cmd_csv_field(env->out, q->website, true, false);
        cmd_csv_field(env->out, q->country, true, false);
        cmd_csv_field(env->out, q->kind, true, false);
        cmd_csv_field(env->out, store_inquiry_status_name(q->status), true,
                      false);
        cmd_csv_field(env->out, cmd_format_time(q->created, t), true, false);
        cmd_csv_field(env->out, q->message, true, true);
    }
}

static int
inq_list(const struct cmd_env *env, struct syn_ctx *ctx, int argc, char **argv,
         bool export)
{
    static const struct opt_spec specs[] = {
        {"json", 0, false, OPT_JSON},
        {"status", 0, true, OPT_STATUS},
        {NULL, 0, false, 0},
    };
    struct store_inquiry_list *l = NULL;
    struct syn_err err;
    struct opt_iter it;
    bool json = false;
    int opt, status = -1, rc = CMD_OK;
    size_t i;

    opt_init(&it, argc, argv, 2);
    while ((opt = opt_next(&it, specs)) != OPT_END) {
        enum store_inquiry_status st;

        switch (opt) {
        case OPT_ERROR:
            return cmd_usage_error(env, "inquiries", "%s", it.error);
        case OPT_ARG:
            return cmd_usage_error(env, "inquiries", "unexpected '%s'",
                                   it.value);
        case OPT_JSON:
            json = true;
            break;
        case OPT_STATUS:
            if (export || store_inquiry_status_parse(it.value, &st) != SYN_OK)
                return cmd_usage_error(env, "inquiries", "bad --status");
            status = (int)st;
            break;
        }
    }
    syn_err_clear(&err);
    if (store_inquiry_list(ctx->store, status, &l, &err) != SYN_OK)
        return cmd_fail(env, "inquiries", "%s", err.msg);
    if (json) {
        rc = cmd_print_json_rows(env, "inquiries", l->v, l->n, sizeof(l->v[0]),
                                 inq_json, export);
    } else if (export) {
        print_csv(env, l);
    } else {
        for (i = 0; i < l->n; i++) {
            const struct store_inquiry *q = &l->v[i];
            char t[32];

            fprintf(env->out, "%-5" PRId64 " %-10s %-9s %-20s %s <%s>\n", q->id,
                    store_inquiry_status_name(q->status), q->kind,
                    cmd_format_time(q->created, t), q->organization, q->email);
        }
    }
    store_inquiry_list_free(l);
    return rc;
}

static int
parse_id(const struct cmd_env *env, const char *s, int64_t *id)
{
    long v = 0;

    if (s == NULL || str_to_long(s, 1, 0x7fffffffL, &v) != SYN_OK)
        return cmd_usage_error(env, "inquiries", "ID must be a number");
    *id = v;
    return CMD_OK;
}

static int
inq_show(const struct cmd_env *env, struct syn_ctx *ctx, int argc, char **argv)
{
    struct store_inquiry *q = NULL;
    struct syn_err err;
    char t[32];
    int64_t id = 0;
    int rc;

    if (argc != 3)
        return cmd_usage_error(env, "inquiries", "show needs one ID");
    rc = parse_id(env, argv[2], &id);
    if (rc != CMD_OK)
        return rc;
    syn_err_clear(&err);
    if (store_inquiry_get(ctx->store, id, &q, &err) != SYN_OK)
        return cmd_fail(env, "inquiries", "%s", err.msg);
    fprintf(env->out,
            "id:           %" PRId64 "\nstatus:       %s\nreceived:     %s\n"
            "organization: %s\nname:         %s\nemail:        %s\n"
            "website:      %s\ncountry:      %s\nkind:         %s\n\n%s\n",
            q->id, store_inquiry_status_name(q->status),
            cmd_format_time(q->created, t), q->organization, q->name, q->email,
            q->website != NULL ? q->website : "-",
            q->country != NULL ? q->country : "-", q->kind, q->message);
    store_inquiry_free(q);
    return CMD_OK;
}

/* A partner slug from an organization name: a-z, 0-9 and '-'. */
static void
slugify(const char *name, char out[INQ_MAX_SLUG + 1])
{
    size_t n = 0;
    bool dash = false;

    for (; *name != '\0' && n < INQ_MAX_SLUG; name++) {
        unsigned char c = (unsigned char)*name;

        if (ascii_isalnum(c)) {
            if (dash && n > 0 && n < INQ_MAX_SLUG - 1) {
                out[n++] = '-';
            }
            dash = false;
            out[n++] = (char)ascii_tolower(c);
        } else {
            dash = true;
        }
    }
    out[n] = '\0';
}

static int
inq_status(const struct cmd_env *env, struct syn_ctx *ctx, int argc,
           char **argv)
{
    enum store_inquiry_status st;
    struct store_inquiry *q = NULL;
    struct store_partner p;
    struct syn_err err;
    char slug[INQ_MAX_SLUG + 1];
    bool create = false;
    int64_t id = 0, pid = 0;
    int i, n = 0, rc;
    const char *args[2] = {NULL, NULL};

    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--create-partner") == 0) {
            create = true;
        } else if (n < 2) {
            args[n++] = argv[i];
        } else
            return cmd_usage_error(env, "inquiries", "unexpected '%s'",
                                   argv[i]);
    }
    if (n != 2)
        return cmd_usage_error(env, "inquiries", "status needs ID and STATUS");
    rc = parse_id(env, args[0], &id);
    if (rc != CMD_OK)
        return rc;
    if (store_inquiry_status_parse(args[1], &st) != SYN_OK)
        return cmd_usage_error(env, "inquiries",
                               "status must be new, contacted, accepted or "
                               "declined");
    syn_err_clear(&err);
    if (store_begin(ctx->store, &err) != SYN_OK)
        return cmd_fail(env, "inquiries", "%s", err.msg);
    if (store_inquiry_get(ctx->store, id, &q, &err) != SYN_OK ||
        store_inquiry_set_status(ctx->store, id, st, &err) != SYN_OK)
        goto fail;
    if (create) {
        slugify(q->organization, slug);
        if (slug[0] == '\0') {
            syn_err_set(&err, SYN_EINVAL,
                        "no partner slug can be made from '%s'",
                        q->organization);
            goto fail;
        }
        memset(&p, 0, sizeof(p));
        p.slug = slug;
        p.name = q->organization;
        p.url =
            q->website != NULL && url_is_http(q->website) ? q->website : NULL;
        if (store_partner_add(ctx->store, &p, (int64_t)time(NULL), &pid,
                              &err) != SYN_OK) {
            if (err.code == SYN_EEXIST) {
                syn_err_set(&err, SYN_EEXIST, "partner '%s' already exists",
                            slug);
            }
            goto fail;
        }
    }
    if (store_commit(ctx->store, &err) != SYN_OK)
        goto fail;
    fprintf(env->out, "inquiry %" PRId64 ": %s", id,
            store_inquiry_status_name(st));
    if (create) {
        fprintf(env->out, ", partner %s created", slug);
    }
    fputc('\n', env->out);
    store_inquiry_free(q);
    return CMD_OK;
fail:
    SYN_IGNORE(store_rollback(ctx->store, NULL));
    store_inquiry_free(q);
    return cmd_fail(env, "inquiries", "%s", err.msg);
}

int
cmd_inquiries(const struct cmd_env *env, int argc, char **argv)
{
    const char *action = argc >= 2 ? argv[1] : "";
    struct syn_ctx ctx;
    int rc;

    if (strcmp(action, "list") != 0 && strcmp(action, "show") != 0 &&
        strcmp(action, "export") != 0 && strcmp(action, "status") != 0)
        return cmd_usage_error(env, "inquiries",
                               "list, show, export or status?");
    rc = cmd_open_ctx(env, "inquiries", CTX_STORE, &ctx);
    if (rc != CMD_OK)
        return rc;
    if (strcmp(action, "show") == 0) {
        rc = inq_show(env, &ctx, argc, argv);
    } else if (strcmp(action, "status") == 0) {
        rc = inq_status(env, &ctx, argc, argv);
    } else {
        rc = inq_list(env, &ctx, argc, argv, strcmp(action, "export") == 0);
    }
    ctx_close(&ctx);
    return rc;
}
