/* The mail side of the application: builds what mail/ needs from the
 * configuration ([site], [mail], [digest]) and the store's signing key,
 * and the step of the mail worker of `syndic serve`.
 *
 * The worker step (app_mailer_worker_step, for app/worker.h) creates the
 * digests that are due by the [digest] schedule (daily from daily_hour
 * UTC, weekly on weekly_day from daily_hour, instant at every step: each
 * is created at most once per period, see mail/outbox.h) and then sends
 * every outbox row that is due. It sleeps until the next queued row is
 * due, at most APP_MAILER_POLL_S; the web server wakes it when it queues
 * a mail. `syndic digest` uses the same set-up.
 *
 * Templates: mails are rendered from the theme's mail templates
 * (mail/theme.h). `serve` loads them once at start-up, from its theme
 * directory, and hands them to the worker as its arg; `digest` loads
 * them from [server] theme_dir. A SIGHUP reloads the page templates only:
 * mail templates are read again at the next start.
 * Thread rules: a struct app_mailer belongs to one thread. */
#ifndef SYNDIC_APP_MAILER_H
#define SYNDIC_APP_MAILER_H

#include <stdint.h>

#include "app/ctx.h"
#include "app/secret.h"
#include "mail/outbox.h"
#include "util/tpl.h"
#include "util/compiler.h"
#include "util/err.h"

/* Longest sleep of the mail worker: instant digests go out within it. */
#define APP_MAILER_POLL_S 60

struct app_mailer {
    unsigned char key[APP_SECRET_BYTES]; /* "hmac_key"; wiped by fini */
    struct mail_identity id;             /* strings borrowed from ctx->cfg */
    struct smtp_config smtp;             /* same */
    struct outbox_send_options send;     /* same; points at id and smtp */
    struct tpl_set *own_templates;       /* loaded by init, or NULL */
};

/* Fill m from ctx (its configuration and store) and the mail templates
 * (borrowed; NULL: load them from [server] theme_dir). Does not need
 * [mail] smtp_url (only sending does). SYN_EDB, SYN_EINVAL for a corrupt
 * key, template errors with file and line (mail/theme.h). m borrows
 * ctx->cfg's strings: keep ctx open while m is used. */
enum syn_status app_mailer_init(struct app_mailer *m, struct syn_ctx *ctx,
                                const struct tpl_set *templates,
                                struct syn_err *err) SYN_NODISCARD;
/* Wipe the key, free templates it loaded. */
void app_mailer_fini(struct app_mailer *m);

/* The step of the "mail" worker (app/worker.h); arg is the loaded mail
 * templates (const struct tpl_set *), or NULL to load them each step. */
enum syn_status app_mailer_worker_step(struct syn_ctx *ctx, void *arg,
                                       long *sleep_s /* out */,
                                       struct syn_err *err) SYN_NODISCARD;

#endif
