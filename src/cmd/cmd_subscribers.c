/* syndic subscribers list|export|import|delete: the partner mailing list
 * from the command line (moving a list in or out, erasure requests). */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/ctx.h"
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "mail/mime.h"
#include "store/store.h"
#include "util/ascii.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/utf8.h"

const char cmd_subscribers_help[] =
    "usage: syndic subscribers list [--json] [--status S] [--frequency F]\n"
    "       syndic subscribers export [--json]\n"
    "       syndic subscribers import FILE.csv [--confirmed]\n"
    "       syndic subscribers delete EMAIL...\n"
    "\n"
    "list    one line per subscriber; --json prints [{\"email\", \"name\",\n"
    "        \"organization\", \"status\": \"pending|confirmed|unsubscribed|\n"
    "        bouncing\", \"frequency\", \"topics\": [...], \"created\",\n"
    "        \"confirmed_at\", \"bounces\"}]\n"
    "export  every subscriber with the record of consent, as CSV (the\n"
    "        import columns first, then status, consent_time,\n"
    "        consent_source, confirmed_at) or as JSON with --json\n"
    "import  add the addresses of a CSV file with the header\n"
    "        email,name,organization,topics,frequency (topics separated by\n"
    "        ';', frequency instant|daily|weekly, default daily). Without\n"
    "        --confirmed they are pending and get a confirmation mail;\n"
    "        --confirmed is for addresses whose consent was obtained\n"
    "        elsewhere (moving from another list). Known addresses are\n"
    "        left alone. A file with a bad line imports nothing.\n"
    "delete  forget addresses entirely (erasure request).\n";

enum { OPT_JSON = 1, OPT_STATUS, OPT_FREQ, OPT_CONFIRMED };

/* A CSV file of subscribers: far above any real list, bounded anyway. */
#define SUBS_MAX_CSV_FIELD 4096
#define SUBS_MAX_CSV_FIELDS 16
#define SUBS_MAX_TOPICS 64

static int64_t
now_s(void)
{
    return (int64_t)time(NULL);
}

/* ------------------------------------------------------------------ */
/* CSV (RFC 4180): quoted fields, "" inside quotes, CRLF or LF records */
/* ------------------------------------------------------------------ */

struct csv {
    FILE *f;
    long line; /* line of the record just read (1-based) */
    long next_line;
    struct buf field[SUBS_MAX_CSV_FIELDS];
    size_t n; /* fields in the record */
};

/* Read one record. 1 = got one, 0 = end of file, -1 = error (msg set). */
static int
csv_next(struct csv *c, char *msg, size_t cap)
{
    bool quoted = false, in_quotes = false, any = false;
    size_t i;
    int ch;

    for (i = 0; i < SUBS_MAX_CSV_FIELDS; i++) {
        buf_reset(&c->field[i]);
    }
    c->n = 1;
    c->line = c->next_line;
    for (;;) {
        struct buf *fb = &c->field[c->n - 1];

        ch = getc(c->f);
        if (ch == EOF) {
            if (in_quotes) {
                snprintf(msg, cap, "line %ld: unterminated quote", c->line);
                return -1;
            }
            return any ? 1 : 0;
        }
        any = true;
        if (in_quotes) {
            if (ch == '"') {
                int nx = getc(c->f);

                if (nx == '"') {
                    ch = '"';
                } else {
                    in_quotes = false;
                    if (nx != EOF) {
                        ungetc(nx, c->f);
                    }
                    continue;
                }
            }
            if (ch == '\n') {
                c->next_line++;
            }
        } else if (ch == '"' && fb->len == 0 && !quoted) {
            in_quotes = quoted = true;
            continue;
        } else if (ch == ',') {
            if (c->n == SUBS_MAX_CSV_FIELDS) {
                snprintf(msg, cap, "line %ld: too many fields", c->line);
                return -1;
            }
            c->n++;
            quoted = false;
            continue;
        } else if (ch == '\r') {
            continue;
        } else if (ch == '\n') {
            c->next_line++;
            return 1;
        }
        if (buf_append_char(fb, (char)ch) != SYN_OK) {
            snprintf(msg, cap, "line %ld: field too long", c->line);
            return -1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* import                                                              */
/* ------------------------------------------------------------------ */

enum { COL_EMAIL, COL_NAME, COL_ORG, COL_TOPICS, COL_FREQ, N_COLS };
static const char *const col_names[N_COLS] = {"email", "name", "organization",
                                              "topics", "frequency"};

/* "a; b;c" -> "a,b,c" (trimmed, lower case). */
static enum syn_status
topics_to_store(const char *in, struct buf *out)
{
    enum syn_status st = SYN_OK;
    const char *p = in;

    buf_reset(out);
    while (st == SYN_OK && *p != '\0') {
        const char *semi = strchr(p, ';');
        struct str t;
        size_t i;

        t.p = p;
        t.len = semi != NULL ? (size_t)(semi - p) : strlen(p);
        t = str_trim(t);
        for (i = 0; st == SYN_OK && i < t.len; i++) {
            unsigned char ch = (unsigned char)t.p[i];

            if (!ascii_isalnum(ch) && ch != '-' && ch != '_')
                return SYN_EINVAL;
            if (i == 0 && out->len > 0) {
                st = buf_append_char(out, ',');
            }
            if (st == SYN_OK) {
                st = buf_append_char(out, (char)ascii_tolower(ch));
            }
        }
        p = semi != NULL ? semi + 1 : p + strlen(p);
    }
    return st;
}

struct import_row {
    struct store_subscriber sub;
    struct buf topics;
};

static int
import_check_header(const struct cmd_env *env, struct csv *c, int col[N_COLS])
{
    size_t i, j;

    for (j = 0; j < N_COLS; j++) {
        col[j] = -1;
    }
    for (i = 0; i < c->n; i++) {
        struct str h = str_trim(str_from_cstr(buf_cstr(&c->field[i])));

        for (j = 0; j < N_COLS; j++) {
            if (str_eq_nocase(h, col_names[j])) {
                col[j] = (int)i;
            }
        }
    }
    if (col[COL_EMAIL] < 0)
        return cmd_fail(env, "subscribers",
                        "the CSV header must be email,name,organization,"
                        "topics,frequency");
    return CMD_OK;
}

static const char *
field(struct csv *c, const int col[N_COLS], int which)
{
    if (col[which] < 0 || (size_t)col[which] >= c->n)
        return "";
    return buf_cstr(&c->field[col[which]]);
}

/* Check one data record; on success fill in (strings borrowed from c and
 * topics). msg gets the reason otherwise. */
static bool
import_parse(struct csv *c, const int col[N_COLS], struct store_subscriber *in,
             struct buf *topics, char *msg, size_t cap)
{
    const char *email = field(c, col, COL_EMAIL);
    const char *freq = field(c, col, COL_FREQ);
    const char *name = field(c, col, COL_NAME);
    const char *org = field(c, col, COL_ORG);
    struct syn_err err;
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (!utf8_valid(c->field[i].data != NULL ? c->field[i].data : "",
                        c->field[i].len)) {
            snprintf(msg, cap, "not UTF-8");
            return false;
        }
    }
    /* Trim the address in place: it is ours. */
    while (*email == ' ') {
        email++;
    }
    if (mime_addr_check(email, &err) != SYN_OK) {
        snprintf(msg, cap, "%s", err.msg);
        return false;
    }
    if (mime_header_value_check(name, NULL) != SYN_OK ||
        mime_header_value_check(org, NULL) != SYN_OK) {
        snprintf(msg, cap, "control characters in name or organization");
        return false;
    }
    in->email = (char *)email;
    in->name = name[0] != '\0' ? (char *)name : NULL;
    in->organization = org[0] != '\0' ? (char *)org : NULL;
    in->frequency = STORE_FREQ_DAILY;
    if (freq[0] != '\0' &&
        store_frequency_parse(freq, &in->frequency) != SYN_OK) {
        snprintf(msg, cap, "frequency must be instant, daily or weekly");
        return false;
    }
    if (topics_to_store(field(c, col, COL_TOPICS), topics) != SYN_OK) {
        snprintf(msg, cap, "topics must be slugs separated by ';'");
        return false;
    }
    in->topics = (char *)buf_cstr(topics);
    return true;
}

static int
subs_import(const struct cmd_env *env, struct syn_ctx *ctx, const char *path,
            bool confirmed)
{
    struct csv c;
    struct buf topics;
    struct syn_err err;
    char msg[SYN_ERR_MSG_LEN];
    int col[N_COLS], r, rc = CMD_OK;
    size_t added = 0, known = 0, bad = 0, i;
    int64_t now = now_s();
    bool in_tx = false;

    memset(&c, 0, sizeof(c));
    for (i = 0; i < SUBS_MAX_CSV_FIELDS; i++) {
        buf_init(&c.field[i], SUBS_MAX_CSV_FIELD);
    }
    buf_init(&topics, SUBS_MAX_CSV_FIELD);
    syn_err_clear(&err);
    c.next_line = 1;
    c.f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (c.f == NULL) {
        rc = cmd_fail(env, "subscribers", "cannot open %s", path);
        goto out;
    }
    r = csv_next(&c, msg, sizeof(msg));
    if (r <= 0) {
        rc = cmd_fail(env, "subscribers", "%s: %s", path,
                      r == 0 ? "empty file" : msg);
        goto out;
    }
    rc = import_check_header(env, &c, col);
    if (rc != CMD_OK)
        goto out;
    if (store_begin(ctx->store, &err) != SYN_OK)
        goto fail;
    in_tx = true;
    while ((r = csv_next(&c, msg, sizeof(msg))) == 1) {
        struct store_subscriber in;
        enum syn_status st;
        int64_t id = 0;

        if (c.n == 1 && c.field[0].len == 0)
            continue; /* blank line */
        memset(&in, 0, sizeof(in));
        if (!import_parse(&c, col, &in, &topics, msg, sizeof(msg))) {
            fprintf(env->err, "syndic subscribers: %s:%ld: %s\n", path, c.line,
                    msg);
            bad++;
            continue;
        }
        if (bad > 0)
            continue; /* only look for more errors */
        in.status = confirmed ? STORE_SUB_CONFIRMED : STORE_SUB_PENDING;
        in.consent_time = now;
        in.consent_source = "import";
        st = store_subscriber_import(ctx->store, &in, now, &id, &err);
        if (st == SYN_EEXIST) {
            known++;
            continue;
        }
        if (st != SYN_OK)
            goto fail;
        added++;
        if (!confirmed) {
            /* The confirmation mail, composed by the sender (its body is
             * left empty: see mail/outbox.h). */
            struct store_mail m;
            char key[64];

            memset(&m, 0, sizeof(m));
            snprintf(key, sizeof(key), "confirm:%" PRId64 ":import", id);
            m.kind = STORE_MAIL_CONFIRM;
            m.dedupe_key = key;
            m.recipient = in.email;
            m.subject = "confirm";
            m.body = "";
            if (store_outbox_enqueue(ctx->store, &m, now, NULL, NULL, &err) !=
                SYN_OK)
                goto fail;
        }
    }
    if (r < 0) {
        fprintf(env->err, "syndic subscribers: %s: %s\n", path, msg);
        bad++;
    }
    if (bad > 0) {
        SYN_IGNORE(store_rollback(ctx->store, NULL));
        rc = cmd_fail(env, "subscribers",
                      "%zu bad line%s in %s: nothing imported", bad,
                      bad == 1 ? "" : "s", path);
        goto out;
    }
    if (store_commit(ctx->store, &err) != SYN_OK)
        goto fail;
    fprintf(env->out, "imported %zu subscriber%s as %s, %zu already known\n",
            added, added == 1 ? "" : "s",
            confirmed ? "confirmed" : "pending (confirmation mail queued)",
            known);
    goto out;
fail:
    if (in_tx) {
        SYN_IGNORE(store_rollback(ctx->store, NULL));
    }
    rc = cmd_fail(env, "subscribers", "%s", err.msg);
out:
    if (c.f != NULL && c.f != stdin) {
        fclose(c.f);
    }
    for (i = 0; i < SUBS_MAX_CSV_FIELDS; i++) {
        buf_fini(&c.field[i]);
    }
    buf_fini(&topics);
    return rc;
}

/* ------------------------------------------------------------------ */
/* list, export                                                        */
/* ------------------------------------------------------------------ */

static json_t *
topics_json(const char *topics)
{
    json_t *a = json_array();
    const char *p = topics;

    while (a != NULL && p != NULL && *p != '\0') {
        const char *comma = strchr(p, ',');
        size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);

        if (n > 0) {
            json_array_append_new(a, json_stringn(p, n));
        }
        p = comma != NULL ? comma + 1 : NULL;
    }
    return a;
}

static json_t *
sub_json(const void *row, bool consent)
{
    const struct store_subscriber *s = row;
    char t1[32], t2[32], t3[32];
    json_t *o = json_object();

    if (o == NULL)
        return NULL;
    json_object_set_new(o, "email", json_string(s->email));
    json_object_set_new(o, "name", cmd_json_str_or_null(s->name));
    json_object_set_new(o, "organization",
                        cmd_json_str_or_null(s->organization));
    json_object_set_new(o, "status",
                        json_string(store_sub_status_name(s->status)));
    json_object_set_new(o, "frequency",
                        json_string(store_frequency_name(s->frequency)));
    json_object_set_new(o, "topics", topics_json(s->topics));
    json_object_set_new(o, "created",
                        json_string(cmd_format_time(s->created, t1)));
    json_object_set_new(o, "confirmed_at",
                        s->confirmed_at != 0
                            ? json_string(cmd_format_time(s->confirmed_at, t2))
                            : json_null());
    json_object_set_new(o, "bounces", json_integer(s->bounces));
    if (consent) {
        json_object_set_new(o, "consent_time",
                            json_string(cmd_format_time(s->consent_time, t3)));
        json_object_set_new(o, "consent_ip",
                            cmd_json_str_or_null(s->consent_ip));
        json_object_set_new(o, "consent_source",
                            cmd_json_str_or_null(s->consent_source));
    }
    return o;
}

static void
print_csv(const struct cmd_env *env, const struct store_subscriber_list *l)
{
    size_t i;

    fputs("email,name,organization,topics,frequency,status,consent_time,"
          "consent_source,confirmed_at\r\n",
          env->out);
    for (i = 0; i < l->n; i++) {
        const struct store_subscriber *s = &l->v[i];
        char topics[1024], t1[32], t2[32];
        size_t j;

        snprintf(topics, sizeof(topics), "%s",
                 s->topics != NULL ? s->topics : "");
        for (j = 0; topics[j] != '\0'; j++) {
            if (topics[j] == ',') {
                topics[j] = ';';
            }
        }
        cmd_csv_field(env->out, s->email, false, false);
        cmd_csv_field(env->out, s->name, true, false);
        cmd_csv_field(env->out, s->organization, true, false);
        cmd_csv_field(env->out, topics, false, false);
        cmd_csv_field(env->out, store_frequency_name(s->frequency), false,
                      false);
        cmd_csv_field(env->out, store_sub_status_name(s->status), false, false);
        cmd_csv_field(env->out, cmd_format_time(s->consent_time, t1), false,
                      false);
        cmd_csv_field(env->out, s->consent_source, true, false);
        cmd_csv_field(env->out, cmd_format_time(s->confirmed_at, t2), false,
                      true);
    }
}

static int
subs_list(const struct cmd_env *env, struct syn_ctx *ctx, int argc, char **argv,
          bool export)
{
    static const struct opt_spec specs[] = {
        {"json", 0, false, OPT_JSON},
        {"status", 0, true, OPT_STATUS},
        {"frequency", 0, true, OPT_FREQ},
        {NULL, 0, false, 0},
    };
    struct store_subscriber_query q = {-1, -1};
    struct store_subscriber_list *l = NULL;
    struct syn_err err;
    struct opt_iter it;
    bool json = false;
    int opt, rc = CMD_OK;
    size_t i;

    opt_init(&it, argc, argv, 2);
    while ((opt = opt_next(&it, specs)) != OPT_END) {
        enum store_sub_status ss;
        enum store_frequency f;

        switch (opt) {
        case OPT_ERROR:
            return cmd_usage_error(env, "subscribers", "%s", it.error);
        case OPT_ARG:
            return cmd_usage_error(env, "subscribers", "unexpected '%s'",
                                   it.value);
        case OPT_JSON:
            json = true;
            break;
        case OPT_STATUS:
            if (export || store_sub_status_parse(it.value, &ss) != SYN_OK)
                return cmd_usage_error(env, "subscribers", "bad --status");
            q.status = (int)ss;
            break;
        case OPT_FREQ:
            if (export || store_frequency_parse(it.value, &f) != SYN_OK)
                return cmd_usage_error(env, "subscribers", "bad --frequency");
            q.frequency = (int)f;
            break;
        }
    }
    syn_err_clear(&err);
    if (store_subscriber_list(ctx->store, &q, &l, &err) != SYN_OK)
        return cmd_fail(env, "subscribers", "%s", err.msg);
    if (json) {
        rc = cmd_print_json_rows(env, "subscribers", l->v, l->n,
                                 sizeof(l->v[0]), sub_json, export);
    } else if (export) {
        print_csv(env, l);
    } else {
        for (i = 0; i < l->n; i++) {
            const struct store_subscriber *s = &l->v[i];

            fprintf(env->out, "%-40s %-12s %-8s %s\n", s->email,
                    store_sub_status_name(s->status),
                    store_frequency_name(s->frequency),
                    s->topics != NULL && s->topics[0] ? s->topics : "(all)");
        }
    }
    store_subscriber_list_free(l);
    return rc;
}

static int
subs_delete(const struct cmd_env *env, struct syn_ctx *ctx, int argc,
            char **argv)
{
    struct syn_err err;
    int i, rc = CMD_OK;

    if (argc < 3)
        return cmd_usage_error(env, "subscribers", "delete needs EMAIL");
    for (i = 2; i < argc; i++) {
        struct store_subscriber *s = NULL;
        enum syn_status st;

        syn_err_clear(&err);
        st = store_subscriber_get_by_email(ctx->store, argv[i], &s, &err);
        if (st == SYN_OK) {
            st = store_subscriber_delete(ctx->store, s->id, &err);
        }
        store_subscriber_free(s);
        if (st == SYN_ENOTFOUND) {
            rc = cmd_fail(env, "subscribers", "%s: not a subscriber", argv[i]);
        } else if (st != SYN_OK) {
            return cmd_fail(env, "subscribers", "%s", err.msg);
        } else {
            fprintf(env->out, "deleted %s\n", argv[i]);
        }
    }
    return rc;
}

int
cmd_subscribers(const struct cmd_env *env, int argc, char **argv)
{
    struct syn_ctx ctx;
    const char *action = argc >= 2 ? argv[1] : "";
    const char *file = NULL;
    bool confirmed = false;
    int rc, i;

    if (strcmp(action, "list") != 0 && strcmp(action, "export") != 0 &&
        strcmp(action, "import") != 0 && strcmp(action, "delete") != 0)
        return cmd_usage_error(env, "subscribers",
                               "list, export, import or delete?");
    if (strcmp(action, "import") == 0) {
        for (i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--confirmed") == 0) {
                confirmed = true;
            } else if (file == NULL && (argv[i][0] != '-' || argv[i][1] == 0)) {
                file = argv[i];
            } else
                return cmd_usage_error(env, "subscribers", "unexpected '%s'",
                                       argv[i]);
        }
        if (file == NULL)
            return cmd_usage_error(env, "subscribers", "import needs FILE");
    }
    rc = cmd_open_ctx(env, "subscribers", CTX_STORE, &ctx);
    if (rc != CMD_OK)
        return rc;
    if (strcmp(action, "import") == 0) {
        rc = subs_import(env, &ctx, file, confirmed);
    } else if (strcmp(action, "delete") == 0) {
        rc = subs_delete(env, &ctx, argc, argv);
    } else {
        rc = subs_list(env, &ctx, argc, argv, strcmp(action, "export") == 0);
    }
    ctx_close(&ctx);
    return rc;
}
