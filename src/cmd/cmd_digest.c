/* syndic digest preview|send: compose and send the digests of the partner
 * mailing list (mail/outbox.h does the work). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/ctx.h"
#include "app/mailer.h"
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "mail/outbox.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/str.h"

const char cmd_digest_help[] =
    "usage: syndic digest preview [--frequency daily|weekly|instant]\n"
    "                             [--email ADDR]\n"
    "       syndic digest send [--frequency daily|weekly|instant] "
    "[--dry-run]\n"
    "\n"
    "preview  write to stdout the digest (a whole RFC 5322 message) that\n"
    "         ADDR, or else the first confirmed subscriber with something\n"
    "         new, would get now. Nothing is stored or sent.\n"
    "send     create the digests of the current period (one per confirmed\n"
    "         subscriber with new stories in their topics; at most one per\n"
    "         frequency and period, never an empty one), then send every\n"
    "         mail that is due through [mail] smtp_url. Safe to re-run or\n"
    "         to kill: rows are created in one transaction before sending\n"
    "         and each is marked as soon as the server answers.\n"
    "         --dry-run composes the digests without storing or sending.\n"
    "\n"
    "The default frequency is daily. Periods are UTC days, ISO weeks, or\n"
    "minutes for instant digests.\n";

enum { OPT_FREQ = 1, OPT_EMAIL, OPT_DRY };

/* The clock; tests may pin it with SYNDIC_NOW (unix seconds) to step
 * through periods and lease expiries without waiting. */
static int64_t
digest_now(void)
{
    const char *s = getenv("SYNDIC_NOW");
    long v = 0;

    if (s != NULL && str_to_long(s, 1, 0x7fffffffL, &v) == SYN_OK)
        return (int64_t)v;
    return (int64_t)time(NULL);
}

struct digest_cmd {
    struct syn_ctx ctx;
    struct app_mailer m;
    bool have_ctx, have_mailer;
};

static int
digest_open(const struct cmd_env *env, struct digest_cmd *d)
{
    struct syn_err err;
    int rc;

    memset(d, 0, sizeof(*d));
    rc = cmd_open_ctx(env, "digest", CTX_STORE, &d->ctx);
    if (rc != CMD_OK)
        return rc;
    d->have_ctx = true;
    syn_err_clear(&err);
    if (app_mailer_init(&d->m, &d->ctx, NULL, &err) != SYN_OK)
        return cmd_fail(env, "digest", "%s", err.msg);
    d->have_mailer = true;
    return CMD_OK;
}

static void
digest_close(struct digest_cmd *d)
{
    if (d->have_mailer) {
        app_mailer_fini(&d->m);
    }
    if (d->have_ctx) {
        ctx_close(&d->ctx);
    }
}

static int
digest_preview(const struct cmd_env *env, struct digest_cmd *d,
               enum store_frequency f, const char *email)
{
    struct syn_err err;
    struct buf msg;
    size_t n = 0;
    enum syn_status st;

    syn_err_clear(&err);
    buf_init(&msg, SYN_MAX_MESSAGE_BYTES);
    st = outbox_digest_preview(d->ctx.store, &d->m.id, f, digest_now(), email,
                               &msg, &n, &err);
    if (st == SYN_OK) {
        fwrite(msg.data, 1, msg.len, env->out);
    }
    buf_fini(&msg);
    if (st != SYN_OK)
        return cmd_fail(env, "digest", "%s", err.msg);
    return CMD_OK;
}

static int
digest_send(const struct cmd_env *env, struct digest_cmd *d,
            enum store_frequency f, bool dry_run)
{
    const struct syn_config *cfg = &d->ctx.cfg;
    struct outbox_digest_stats ds;
    struct outbox_send_stats ss;
    struct syn_err err;
    int64_t now = digest_now();

    syn_err_clear(&err);
    if (outbox_digest_create(d->ctx.store, &d->m.id, f, now, dry_run, &ds,
                             &err) != SYN_OK)
        return cmd_fail(env, "digest", "%s", err.msg);
    if (ds.already) {
        fprintf(env->out, "digest %s %s: already created\n",
                store_frequency_name(f), ds.period);
    } else {
        fprintf(env->out,
                "digest %s %s: %zu %s, %zu with nothing new, %zu "
                "subscribers, %zu stories, %zu bytes\n",
                store_frequency_name(f), ds.period, ds.queued,
                dry_run ? "composed" : "queued", ds.empty, ds.subscribers,
                ds.stories, ds.bytes);
    }
    if (dry_run)
        return CMD_OK;
    if (cfg->mail_smtp_url == NULL || cfg->mail_smtp_url[0] == '\0')
        return cmd_fail(env, "digest",
                        "[mail] smtp_url is not set: mail stays queued");
    if (outbox_send_due(d->ctx.store, &d->m.send, now, &ss, &err) != SYN_OK)
        return cmd_fail(env, "digest", "%s", err.msg);
    fprintf(env->out, "mail: %zu sent, %zu to retry, %zu failed, %zu "
                      "bouncing\n",
            ss.sent, ss.retry, ss.failed, ss.bounced);
    return CMD_OK;
}

int
cmd_digest(const struct cmd_env *env, int argc, char **argv)
{
    static const struct opt_spec specs[] = {
        {"frequency", 0, true, OPT_FREQ},
        {"email", 0, true, OPT_EMAIL},
        {"dry-run", 0, false, OPT_DRY},
        {NULL, 0, false, 0},
    };
    enum store_frequency f = STORE_FREQ_DAILY;
    const char *action = NULL, *email = NULL;
    struct digest_cmd d;
    struct opt_iter it;
    bool dry_run = false;
    int opt, rc;

    opt_init(&it, argc, argv, 1);
    while ((opt = opt_next(&it, specs)) != OPT_END) {
        switch (opt) {
        case OPT_ERROR:
            return cmd_usage_error(env, "digest", "%s", it.error);
        case OPT_ARG:
            if (action != NULL)
                return cmd_usage_error(env, "digest", "unexpected '%s'",
                                       it.value);
            action = it.value;
            break;
        case OPT_FREQ:
            if (store_frequency_parse(it.value, &f) != SYN_OK)
                return cmd_usage_error(env, "digest",
                                       "frequency must be daily, weekly or "
                                       "instant");
            break;
        case OPT_EMAIL:
            email = it.value;
            break;
        case OPT_DRY:
            dry_run = true;
            break;
        }
    }
    if (action == NULL ||
        (strcmp(action, "preview") != 0 && strcmp(action, "send") != 0))
        return cmd_usage_error(env, "digest", "preview or send?");
    if (strcmp(action, "preview") == 0 && dry_run)
        return cmd_usage_error(env, "digest", "--dry-run is for send");
    if (strcmp(action, "send") == 0 && email != NULL)
        return cmd_usage_error(env, "digest", "--email is for preview");
    rc = digest_open(env, &d);
    if (rc == CMD_OK) {
        rc = strcmp(action, "preview") == 0
                 ? digest_preview(env, &d, f, email)
                 : digest_send(env, &d, f, dry_run);
    }
    digest_close(&d);
    return rc;
}
