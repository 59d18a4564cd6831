/* Mail set-up from the configuration, and the mail worker (see mailer.h). */
#include "app/mailer.h"

#include <string.h>
#include <time.h>

#include <sodium.h>

#include "mail/theme.h"
#include "store/store.h"
#include "util/limits.h"

enum syn_status
app_mailer_init(struct app_mailer *m, struct syn_ctx *ctx,
                const struct tpl_set *templates, struct syn_err *err)
{
    const struct syn_config *cfg = &ctx->cfg;
    enum syn_status st;

    memset(m, 0, sizeof(*m));
    if (templates == NULL) {
        st = mail_theme_load(cfg->server_theme_dir, &m->own_templates, err);
        if (st != SYN_OK)
            return st;
        templates = m->own_templates;
    }
    st = app_secret_get(ctx->store, "hmac_key", m->key, NULL, err);
    if (st != SYN_OK) {
        tpl_set_free(m->own_templates);
        m->own_templates = NULL;
        return st;
    }
    m->id.templates = templates;
    m->id.site_title = cfg->site_title;
    m->id.base_url = cfg->site_base_url;
    m->id.from = cfg->mail_from;
    m->id.reply_to = cfg->mail_reply_to;
    m->id.key = m->key;
    m->id.key_len = sizeof(m->key);
    m->smtp.url = cfg->mail_smtp_url;
    m->smtp.username = cfg->mail_username;
    m->smtp.password = cfg->mail_password;
    m->smtp.ca_file = cfg->mail_ca_file;
    /* NOTE: caps [mail] connections at SYN_MAX_SMTP_CONNECTIONS. */
    m->smtp.connections = cfg->mail_connections > SYN_MAX_SMTP_CONNECTIONS
                              ? SYN_MAX_SMTP_CONNECTIONS
                              : (int)cfg->mail_connections;
    m->send.id = &m->id;
    m->send.smtp = &m->smtp;
    m->send.max_attempts = (int)cfg->mail_max_attempts;
    m->send.bounce_threshold = (int)cfg->mail_bounce_threshold;
    m->send.log = &ctx->log;
    return SYN_OK;
}

void
app_mailer_fini(struct app_mailer *m)
{
    sodium_memzero(m->key, sizeof(m->key));
    tpl_set_free(m->own_templates);
    m->own_templates = NULL;
}

enum syn_status
app_mail_templates_init(struct app_mail_templates *t, struct tpl_set *set)
{
    memset(t, 0, sizeof(*t));
    if (pthread_mutex_init(&t->mu, NULL) != 0) {
        tpl_set_free(set);
        return SYN_ENOMEM;
    }
    t->cur = set;
    return SYN_OK;
}

void
app_mail_templates_offer(struct app_mail_templates *t, struct tpl_set *set)
{
    struct tpl_set *old;

    pthread_mutex_lock(&t->mu);
    old = t->pending;
    t->pending = set;
    pthread_mutex_unlock(&t->mu);
    tpl_set_free(old);
}

const struct tpl_set *
app_mail_templates_take(struct app_mail_templates *t)
{
    struct tpl_set *next;

    pthread_mutex_lock(&t->mu);
    next = t->pending;
    t->pending = NULL;
    pthread_mutex_unlock(&t->mu);
    if (next != NULL) {
        tpl_set_free(t->cur);
        t->cur = next;
    }
    return t->cur;
}

void
app_mail_templates_fini(struct app_mail_templates *t)
{
    tpl_set_free(t->pending);
    tpl_set_free(t->cur);
    t->pending = NULL;
    t->cur = NULL;
    pthread_mutex_destroy(&t->mu);
}

enum syn_status
app_mailer_worker_step(struct syn_ctx *ctx, void *arg, long *sleep_s,
                       struct syn_err *err)
{
    static const enum store_frequency freqs[] = {
        STORE_FREQ_INSTANT, STORE_FREQ_DAILY, STORE_FREQ_WEEKLY};
    const struct syn_config *cfg = &ctx->cfg;
    struct outbox_digest_stats ds;
    struct outbox_send_stats ss;
    struct app_mailer m;
    const struct tpl_set *tpl;
    int64_t now = (int64_t)time(NULL), next = 0;
    enum syn_status st;
    size_t i;

    *sleep_s = APP_MAILER_POLL_S;
    if (cfg->mail_smtp_url == NULL || cfg->mail_smtp_url[0] == '\0')
        return SYN_OK; /* nothing can be sent: the rows wait */
    tpl = arg != NULL ? app_mail_templates_take(arg) : NULL;
    st = app_mailer_init(&m, ctx, tpl, err);
    if (st != SYN_OK)
        return st;
    for (i = 0; st == SYN_OK && i < SYN_ARRAY_LEN(freqs); i++) {
        if (!outbox_digest_due(freqs[i], now, (int)cfg->digest_daily_hour,
                               (int)cfg->digest_weekly_day))
            continue;
        st = outbox_digest_create(ctx->store, &m.id, freqs[i], now, false,
                                  &ds, err);
        if (st == SYN_OK && !ds.already && ds.queued > 0) {
            log_info(&ctx->log,
                     "digest created frequency=%s period=%s queued=%zu "
                     "empty=%zu",
                     store_frequency_name(freqs[i]), ds.period, ds.queued,
                     ds.empty);
        }
    }
    if (st == SYN_OK) {
        st = outbox_send_due(ctx->store, &m.send, now, &ss, err);
    }
    if (st == SYN_OK && ss.sent + ss.retry + ss.failed > 0) {
        log_info(&ctx->log,
                 "mail done sent=%zu retry=%zu failed=%zu bouncing=%zu",
                 ss.sent, ss.retry, ss.failed, ss.bounced);
    }
    /* Sleep until the next queued row is due (a retry), or the poll. */
    if (st == SYN_OK &&
        store_outbox_next_due(ctx->store, &next, NULL) == SYN_OK &&
        next > now && next - now < APP_MAILER_POLL_S) {
        *sleep_s = (long)(next - now);
    }
    app_mailer_fini(&m);
    return st;
}
