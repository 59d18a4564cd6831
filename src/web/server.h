/* The public web server of `syndic serve`, on libmicrohttpd.
 *
 * One single-threaded daemon per core, each with its own epoll loop and
 * its own SO_REUSEPORT socket on the same address, so that the kernel
 * spreads connections evenly over the threads; keep-alive; limits on per-connection memory (which
 * bounds the header size), connections, idle time and request bodies
 * (util/limits.h). Each request gets an arena, kept in MHD's *con_cls slot
 * and freed when MHD reports the request completed. Handlers return a
 * status; web_fail() alone maps it to an HTTP code and page.
 *
 * Rendered answers are cached in memory with their gzip form and ETag
 * (web/cache.h) and dropped when the store's generation moves (a write by
 * this or another process) or when web_server_invalidate() is called.
 *
 * Signals are the caller's business (cmd_serve waits for them): it calls
 * web_server_reload() on SIGHUP and web_server_stop() on SIGTERM/SIGINT.
 * Thread rules: start/reload/stop from one controlling thread;
 * web_server_invalidate() from any thread. */
#ifndef SYNDIC_WEB_SERVER_H
#define SYNDIC_WEB_SERVER_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"
#include "util/log.h"

/* Hooks the rest of `serve` (fetch scheduler, mail sender) can plug in;
 * each may be NULL. They run on server threads: keep them short. */
typedef void (*web_hook_fn)(void *arg);
typedef enum syn_status (*web_metrics_fn)(void *arg, struct buf *out);

struct web_opts {
    const char *listen;    /* "ADDR:PORT", "[v6]:PORT"; NULL = 127.0.0.1:8080 */
    unsigned threads;      /* 0 = number of online cores */
    const char *theme_dir; /* overrides of the embedded theme, or NULL */
    const char *db_path;   /* the store */
    const char *site_title; /* [site] title */
    const char *base_url;   /* [site] base_url, e.g. "https://news.example" */
    const char *language;   /* [site] language, e.g. "en" */
    const char *tagline;    /* [site] tagline, or NULL */
    /* [mail] team_addresses: who is told of a partnership inquiry
     * (comma-separated addresses), or NULL. Fixed while running. */
    const char *team_addresses;
    const struct syn_log *log; /* borrowed; may be NULL */
    /* Appends extra Prometheus lines (fetch and mail counters) to
     * /metrics. */
    web_metrics_fn metrics_extra;
    /* Called after a handler queued a row in the store's outbox, so the
     * mail sender can wake at once instead of at its next poll. */
    web_hook_fn outbox_queued;
    void *hook_arg; /* passed to both hooks */
};

struct web_server;

/* Load and check the theme, open the store, bind and start serving.
 * Strings of o are copied. On SYN_OK the caller owns *out and must call
 * web_server_stop(). SYN_ECONFIG (bad listen address or theme),
 * SYN_EPARSE (theme template, with file:line), SYN_ENET (cannot bind),
 * SYN_EDB, SYN_ENOMEM. */
enum syn_status web_server_start(const struct web_opts *o,
                                 struct web_server **out /* out */,
                                 struct syn_err *err) SYN_NODISCARD;

/* The TCP port bound (useful with port 0). */
unsigned web_server_port(const struct web_server *s);

/* Take the site fields of o (site_title, base_url, language, theme_dir;
 * NULL o: keep the current ones), re-read the theme and empty the cache.
 * listen, threads, db_path and the hooks cannot change while running. On
 * error the running site stays and err says what is wrong in the new one
 * (a template: "file:line: what"). */
enum syn_status web_server_reload(struct web_server *s,
                                  const struct web_opts *o,
                                  struct syn_err *err) SYN_NODISCARD;

/* Forget every cached page (after a write made in this process). */
void web_server_invalidate(struct web_server *s);

/* Stop accepting, let requests in flight finish (up to a few seconds),
 * stop the threads and free everything. NULL is a no-op. */
void web_server_stop(struct web_server *s);

#endif
