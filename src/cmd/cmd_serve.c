/* syndic serve: run the public web server until SIGTERM or SIGINT; SIGHUP
 * reloads the theme, mail templates included. Signals are blocked in every
 * thread and taken here with sigwait(), so no handler and no global flag is
 * needed.
 *
 * The fetch scheduler and the mail sender also belong in this process
 * (DESIGN.md): they are started beside the server where marked below,
 * and --no-fetch / --no-mail switch them off. */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "app/config.h"
#include "app/ctx.h"
#include "app/ingest.h"
#include "app/mailer.h"
#include "app/worker.h"
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "mail/theme.h"
#include "store/store.h"
#include "util/log.h"
#include "util/str.h"
#include "web/server.h"

const char cmd_serve_help[] =
    "usage: syndic serve [--listen ADDR:PORT] [--no-fetch] [--no-mail]\n"
    "                    [--threads N] [--theme DIR] [--title T]\n"
    "                    [--base-url URL] [--language L]\n"
    "\n"
    "Run the public web site (default 127.0.0.1:8080) until SIGTERM or\n"
    "SIGINT; SIGHUP re-reads the theme (pages and mail templates) and\n"
    "empties the page cache.\n"
    "Settings come from the configuration ([site], [server]); the options\n"
    "below override them. The database must exist (syndic init).\n"
    "\n"
    "  --listen ADDR:PORT  address to bind ([V6ADDR]:PORT for IPv6)\n"
    "  --no-fetch          do not poll sources in this process\n"
    "  --no-mail           do not send mail in this process\n"
    "  --threads N         server threads (default: one per core)\n"
    "  --theme DIR         theme directory overriding the built-in one\n"
    "                      (DIR/templates/*, DIR/static/*)\n"
    "  --title T           site title\n"
    "  --base-url URL      public URL of the site, for links in feeds\n"
    "  --language L        default language of pages (e.g. en)\n";

enum {
    O_LISTEN = 1,
    O_NO_FETCH,
    O_NO_MAIL,
    O_THREADS,
    O_THEME,
    O_TITLE,
    O_BASE_URL,
    O_LANGUAGE,
};

static const struct opt_spec serve_opts[] = {
    {"listen", 0, true, O_LISTEN},
    {"no-fetch", 0, false, O_NO_FETCH},
    {"no-mail", 0, false, O_NO_MAIL},
    {"threads", 0, true, O_THREADS},
    {"theme", 0, true, O_THEME},
    {"title", 0, true, O_TITLE},
    {"base-url", 0, true, O_BASE_URL},
    {"language", 0, true, O_LANGUAGE},
    {NULL, 0, false, 0},
};

/* web_opts outbox_queued hook: a form queued a mail, send it now. */
static void
serve_wake_mail(void *arg)
{
    app_worker_wake(arg);
}

/* o = the command-line options cli, completed from the configuration. */
static void
serve_opts_from_config(struct web_opts *o, const struct web_opts *cli,
                       const struct syn_config *cfg)
{
    *o = *cli;
    if (o->listen == NULL) {
        o->listen = cfg->server_listen;
    }
    if (o->threads == 0 && cfg->server_threads > 0) {
        o->threads = (unsigned)cfg->server_threads;
    }
    if (o->theme_dir == NULL) {
        o->theme_dir = cfg->server_theme_dir;
    }
    if (o->site_title == NULL) {
        o->site_title = cfg->site_title;
    }
    if (o->base_url == NULL) {
        o->base_url = cfg->site_base_url;
    }
    if (o->language == NULL) {
        o->language = cfg->site_language;
    }
    if (o->tagline == NULL) {
        o->tagline = cfg->site_tagline;
    }
    if (o->team_addresses == NULL) {
        o->team_addresses = cfg->mail_team_addresses;
    }
}

/* SIGHUP: read the configuration file again (the one given at start) and
 * hand the server its new site settings and theme, and the mail worker
 * (mail_tpl, when mail is on) its mail templates; command-line options
 * still win. A bad file or theme leaves the running site (or mail) as it
 * is. */
static void
reload(const struct cmd_env *env, struct syn_ctx *ctx,
       struct web_server *server, const struct web_opts *cli,
       struct app_mail_templates *mail_tpl, struct app_worker *mailer)
{
    struct syn_config cfg;
    struct web_opts o;
    struct syn_err err;
    enum syn_status st;

    syn_err_clear(&err);
    if (env->config_path != NULL) {
        st = config_load(&cfg, env->config_path, &err);
    } else {
        st = config_init(&cfg);
    }
    if (st != SYN_OK) {
        log_error(&ctx->log, "reload failed msg=\"%s\"", err.msg);
        return;
    }
    serve_opts_from_config(&o, cli, &cfg);
    st = web_server_reload(server, &o, &err);
    if (st != SYN_OK) {
        log_error(&ctx->log, "reload failed msg=\"%s\"", err.msg);
    } else {
        log_info(&ctx->log, "reloaded config=%s",
                 env->config_path != NULL ? env->config_path : "-");
    }
    if (mail_tpl != NULL) {
        struct tpl_set *fresh = NULL;

        syn_err_clear(&err);
        if (mail_theme_load(o.theme_dir, &fresh, &err) != SYN_OK) {
            log_error(&ctx->log, "mail templates not reloaded msg=\"%s\"",
                      err.msg);
        } else {
            app_mail_templates_offer(mail_tpl, fresh);
            log_info(&ctx->log, "reloaded mail templates");
        }
        app_worker_wake(mailer); /* a step now, with the new set if any */
    }
    config_fini(&cfg);
}

/* A failed start: free the mail templates (tpl, when set up; its worker
 * is stopped) and the context, report. */
static int SYN_PRINTF(4, 5)
    serve_abort(const struct cmd_env *env, struct syn_ctx *ctx,
                struct app_mail_templates *tpl, const char *fmt, ...)
{
    char msg[SYN_ERR_MSG_LEN];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (tpl != NULL) {
        app_mail_templates_fini(tpl);
    }
    ctx_close(ctx);
    return cmd_fail(env, "serve", "%s", msg);
}

int
cmd_serve(const struct cmd_env *env, int argc, char **argv)
{
    struct web_opts o, cli;
    struct syn_ctx ctx;
    struct web_server *server = NULL;
    struct app_worker *fetcher = NULL, *mailer = NULL;
    struct tpl_set *mail_set = NULL;
    struct app_mail_templates mail_tpl;
    struct opt_iter it;
    struct syn_err err;
    sigset_t set;
    bool fetch = true, mail = true;
    long threads = 0;
    int id, sig, rc;

    memset(&o, 0, sizeof(o));
    opt_init(&it, argc, argv, 1);
    while ((id = opt_next(&it, serve_opts)) != OPT_END) {
        switch (id) {
        case O_LISTEN:
            o.listen = it.value;
            break;
        case O_NO_FETCH:
            fetch = false;
            break;
        case O_NO_MAIL:
            mail = false;
            break;
        case O_THREADS:
            if (str_to_long(it.value, 1, 1024, &threads) != SYN_OK)
                return cmd_usage_error(env, "serve",
                                       "--threads wants a "
                                       "number from 1 to 1024");
            o.threads = (unsigned)threads;
            break;
        case O_THEME:
            o.theme_dir = it.value;
            break;
        case O_TITLE:
            o.site_title = it.value;
            break;
        case O_BASE_URL:
            o.base_url = it.value;
            break;
        case O_LANGUAGE:
            o.language = it.value;
            break;
        case OPT_ARG:
            return cmd_usage_error(env, "serve", "unexpected argument '%s'",
                                   it.value);
        default:
            return cmd_usage_error(env, "serve", "%s", it.error);
        }
    }
    rc = cmd_open_ctx(env, "serve", CTX_STORE, &ctx);
    if (rc != CMD_OK)
        return rc;
    /* The handle of ctx migrated the schema; server threads open their
     * own. */
    store_close(ctx.store);
    ctx.store = NULL;
    o.db_path = ctx.db_path;
    o.log = &ctx.log;
    cli = o;
    serve_opts_from_config(&o, &cli, &ctx.cfg);
    /* Block the signals before any thread starts, so that every thread
     * inherits the mask and only sigwait() below sees them. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) {
        ctx_close(&ctx);
        return cmd_fail(env, "serve", "cannot block signals");
    }
    /* Ignore SIGPIPE: a client closing early must not end the server. */
    signal(SIGPIPE, SIG_IGN);
    /* The mail sender starts first, so that the server can wake it as
     * soon as a form queues a mail; without [mail] smtp_url rows wait. */
    if (mail && ctx.cfg.mail_smtp_url != NULL &&
        ctx.cfg.mail_smtp_url[0] != '\0') {
        /* A broken mail template stops start-up, as a page template does
         * (web_server_start), instead of failing every mail later. */
        if (mail_theme_load(o.theme_dir, &mail_set, &err) != SYN_OK)
            return serve_abort(env, &ctx, NULL, "%s", err.msg);
        if (app_mail_templates_init(&mail_tpl, mail_set) != SYN_OK)
            return serve_abort(env, &ctx, NULL, "out of memory");
        if (app_worker_start(&ctx, "mail", app_mailer_worker_step, &mail_tpl,
                             &mailer, &err) != SYN_OK)
            return serve_abort(env, &ctx, &mail_tpl, "%s", err.msg);
        o.outbox_queued = serve_wake_mail;
        o.hook_arg = mailer;
        cli.outbox_queued = o.outbox_queued;
        cli.hook_arg = o.hook_arg;
    } else {
        mail = false;
    }
    if (web_server_start(&o, &server, &err) != SYN_OK) {
        app_worker_stop(mailer);
        return serve_abort(env, &ctx, mail ? &mail_tpl : NULL, "%s", err.msg);
    }
    /* The fetch scheduler writes through its own connection; the server
     * notices the store's data version move and drops its cached pages. */
    if (fetch && app_worker_start(&ctx, "fetch", ingest_worker_step, NULL,
                                  &fetcher, &err) != SYN_OK) {
        web_server_stop(server);
        app_worker_stop(mailer);
        return serve_abort(env, &ctx, mail ? &mail_tpl : NULL, "%s", err.msg);
    }
    log_info(&ctx.log, "serving port=%u fetch=%s mail=%s",
             web_server_port(server), fetch ? "on" : "off",
             mail ? "on" : "off");
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            reload(env, &ctx, server, &cli, mail ? &mail_tpl : NULL, mailer);
            continue;
        }
        break;
    }
    log_info(&ctx.log, "stopping signal=%d", sig);
    app_worker_stop(fetcher);
    web_server_stop(server);
    app_worker_stop(mailer);
    if (mail) {
        app_mail_templates_fini(&mail_tpl);
    }
    ctx_close(&ctx);
    return CMD_OK;
}
