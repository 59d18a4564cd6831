/* One HTTP request as handlers see it, and the ways to answer it.
 *
 * A struct web_req lives from the request line to MHD's "completed"
 * notice; everything a handler allocates comes from req->arena and dies
 * with it. A handler answers with web_render(), web_reply() or
 * web_redirect(), or returns a status that the server passes to
 * web_fail(), the one place where a status becomes an HTTP code and an
 * error page. Thread rules: a request is handled by one thread. */
#ifndef SYNDIC_WEB_REQ_H
#define SYNDIC_WEB_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"
#include "util/tpl.h"
#include "web/query.h"
#include "web/router.h"
#include "web/server.h"

struct MHD_Connection;
struct web_theme;
struct web_metrics;
struct store;

enum web_method {
    WEB_GET,
    WEB_HEAD,
    WEB_POST,
    WEB_OTHER,
};

/* State shared by all requests between two reloads (read-only). */
struct web_site {
    const struct web_opts *opts;   /* = &opts_copy */
    const struct web_theme *theme; /* = theme_owned */
    struct web_opts opts_copy;     /* site fields point at the copies: */
    char *title, *base_url, *language, *theme_dir, *tagline; /* owned */
    struct web_theme *theme_owned;
    struct web_metrics *metrics;   /* atomics */
    const unsigned char *csrf_key; /* WEB_CSRF_KEY_BYTES (web/csrf.h) */
};

/* The answer a handler built. */
struct web_resp {
    bool set;                  /* a handler answered */
    unsigned status;           /* HTTP status */
    const char *ctype;         /* static string */
    struct buf body;           /* owned by the request */
    const char *location;      /* redirects (arena) */
    const char *cache_control; /* static string; NULL = the route's default */
    bool no_cache;             /* keep out of the response cache */
};

struct web_req {
    struct arena arena;          /* everything below is allocated here */
    struct web_server *server;   /* borrowed */
    const struct web_site *site; /* borrowed for the request */
    struct MHD_Connection *conn; /* borrowed */
    enum web_method method;
    const char *target;                   /* raw request target, as received */
    const char *path;                     /* decoded path */
    const char *query_raw;                /* raw query string ("" when none) */
    struct web_params query;              /* decoded query */
    const struct web_route_def *def;      /* matched route, or NULL */
    enum web_route route;                 /* for metrics */
    const char *args[WEB_ROUTE_MAX_ARGS]; /* captures of the pattern */
    size_t n_args;
    struct buf body_in; /* POST body, up to SYN_MAX_REQ_BODY */
    bool body_too_big;
    bool started;                /* first access callback seen */
    enum syn_status prep_status; /* decoding and routing outcome */
    struct syn_err prep_err;     /* its detail, for web_fail() */
    uint64_t start_ns;           /* monotonic, for the latency metric */
    unsigned sent_status;        /* HTTP status queued */
    struct web_resp resp;
};

/* A request header's value, or NULL. Borrowed for the request. */
const char *web_req_header(const struct web_req *req, const char *name);

/* The store connection of this thread (opened on first use, kept for the
 * thread's life). SYN_EDB when it cannot be opened, or when req belongs
 * to no server (a request made up by a test). */
enum syn_status web_req_store(struct web_req *req, struct store **out /* out */,
                              struct syn_err *err) SYN_NODISCARD;

/* Start the data tree of a page: site.title, site.base_url, site.language,
 * lang and dir of the page, the request path. */
void web_tree_begin(struct web_req *req, struct tpl_tree *t);

struct store_topic_list;

/* A fresh CSRF token for the page's forms, as "csrf". */
void web_csrf_field(struct web_req *req, struct tpl_tree *t);

/* The site's topics as "topics" [{slug, name, checked}] and
 * "has_topics": home-page links and subscribe checkboxes, checked when
 * the slug is in chosen (comma-separated; NULL: none). */
void web_topics_tree(struct tpl_tree *t, const struct store_topic_list *topics,
                     const char *chosen);

/* What the subscribe box in the foot of a page needs (_foot.html,
 * _subscribe.html): "subscribe_box", a fresh "csrf" token, and the
 * site's topics ("topics" [{slug, name}], "has_topics"; also the home
 * page's topic links). Errors are the store's. */
enum syn_status web_subscribe_box(struct web_req *req, struct tpl_tree *t,
                                  struct syn_err *err) SYN_NODISCARD;

/* Render template name into a 200 answer with content type ctype. */
enum syn_status web_render(struct web_req *req, const char *name,
                           const struct tpl_tree *t, const char *ctype,
                           struct syn_err *err) SYN_NODISCARD;

/* Answer with body[0..len) (copied). */
enum syn_status web_reply(struct web_req *req, unsigned status,
                          const char *ctype, const char *body, size_t len,
                          struct syn_err *err) SYN_NODISCARD;

/* Answer with a redirect (301, 302, 303) to location (copied). */
enum syn_status web_redirect(struct web_req *req, unsigned status,
                             const char *location,
                             struct syn_err *err) SYN_NODISCARD;

/* Turn a failed status into the answer: SYN_ENOTFOUND 404,
 * SYN_EINVAL/SYN_EPARSE 400, SYN_ETOOBIG 413, SYN_EAUTH 403, SYN_EDENIED
 * 429, anything else 500 (detail logged, not shown). 4xx pages show
 * err->msg. Never fails: the last resort is a plain-text body. */
void web_fail(struct web_req *req, enum syn_status st,
              const struct syn_err *err);

/* Tell the mail sender (web_opts.outbox_queued) that this request queued
 * a row in the store's outbox; a no-op without the hook. Call it after
 * the row is committed. */
void web_outbox_queued(const struct web_req *req);

/* The client's IP address as text ("192.0.2.1", "2001:db8::1"), in the
 * arena; "unknown" when it cannot be told. When the peer is loopback (a
 * reverse proxy on this host), the last address of X-Forwarded-For, if it
 * is a valid one, is the client's. */
const char *web_req_client_ip(struct web_req *req);

/* The absolute URL of path on this site (base_url + path), in the arena;
 * NULL on ENOMEM. */
const char *web_abs_url(struct web_req *req, const char *path);

#endif
