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
 * (mail/theme.h). `serve` loads them at start-up, from its theme
 * directory, into a struct app_mail_templates that it hands to the worker
 * as its arg; on SIGHUP it loads them again and offers the new set, which
 * the worker takes at the start of its next step (a broken template keeps
 * the running set). `digest` loads them from [server] theme_dir.
 * Thread rules: a struct app_mailer belongs to one thread; a struct
 * app_mail_templates is offered to from one thread and taken from one
 * other (the worker's). */
#ifndef SYNDIC_APP_MAILER_H
#define SYNDIC_APP_MAILER_H

#include <pthread.h>
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

/* The mail templates of a running `serve`: the set the worker renders
 * with, and a newer one offered by a reload that the worker has not taken
 * yet. */
struct app_mail_templates {
    pthread_mutex_t mu;      /* guards pending */
    struct tpl_set *cur;     /* the worker's; only it reads or frees it */
    struct tpl_set *pending; /* offered, not yet taken; or NULL */
};

/* Start with set (owned from now on). SYN_ENOMEM. Free with
 * app_mail_templates_fini() once the worker has stopped. */
enum syn_status app_mail_templates_init(struct app_mail_templates *t,
                                        struct tpl_set *set) SYN_NODISCARD;
/* Offer set (owned from now on) for the worker's next step; a set offered
 * before and not yet taken is freed. */
void app_mail_templates_offer(struct app_mail_templates *t,
                              struct tpl_set *set);
/* The worker's side: swap in the offered set if there is one (freeing the
 * one it replaces) and return the current set, valid until the next call. */
const struct tpl_set *app_mail_templates_take(struct app_mail_templates *t);
void app_mail_templates_fini(struct app_mail_templates *t);

/* The step of the "mail" worker (app/worker.h); arg is a struct
 * app_mail_templates (its current set is taken at each step), or NULL to
 * load the templates each step. */
enum syn_status app_mailer_worker_step(struct syn_ctx *ctx, void *arg,
                                       long *sleep_s /* out */,
                                       struct syn_err *err) SYN_NODISCARD;

#endif
