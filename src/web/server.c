/* libmicrohttpd glue (see server.h): daemon set-up, the request lifecycle
 * (URI log callback -> access callback(s) -> completed notice), routing,
 * the response cache and conditional requests.
 *
 * The raw request target is captured in the URI log callback, which also
 * creates the request (its return value becomes *con_cls); MHD's own
 * unescaping is turned off so that web/query.c alone decodes paths and
 * queries, with its limits and UTF-8 checks. */
#include "web/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "app/secret.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"
#include "web/cache.h"
#include "web/gzip.h"
#include "web/metrics.h"
#include "web/req.h"
#include "web/router.h"
#include "web/server_internal.h"
#include "web/theme.h"

_Static_assert(WEB_CSRF_KEY_BYTES == APP_SECRET_BYTES,
               "the CSRF key is an app secret");

/* Templates every handler may ask for: checked at start-up and reload. */
static const char *const required_templates[] = {
    "home.html",        "article.html", "source.html",
    "topic.html",       "search.html",  "partners.html",
    "error.html",       "feed_rss.xml", "feed_atom.xml",
    "opml.xml",         "sitemap.xml",  "robots.txt",
    "subscribe.html",   "partner.html", "preferences.html",
    "unsubscribe.html", "notice.html",  NULL,
};

/* How long web_server_stop() lets requests in flight finish. */
#define STOP_GRACE_MS 3000

static uint64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t current_gen(struct web_server *s);

/* ---- request lifecycle ---- */

static void *
uri_log_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct web_req *req = syn_calloc(1, sizeof(*req));

    (void)conn;
    if (req == NULL)
        return NULL;
    req->server = cls;
    req->start_ns = now_ns();
    req->route = WEB_R_NOT_FOUND;
    arena_init(&req->arena, 8192, SYN_REQ_ARENA_BYTES);
    buf_init(&req->body_in, SYN_MAX_REQ_BODY);
    buf_init(&req->resp.body, SYN_MAX_PAGE_BYTES);
    req->target = arena_strdup(&req->arena, uri != NULL ? uri : "");
    return req;
}

static void
completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct web_server *s = cls;
    struct web_req *req = *con_cls;

    (void)conn;
    (void)toe;
    if (req == NULL)
        return;
    if (req->sent_status != 0) {
        web_metrics_record(&s->metrics, req->route, req->sent_status,
                           (unsigned long)((now_ns() - req->start_ns) / 1000));
    }
    buf_fini(&req->body_in);
    buf_fini(&req->resp.body);
    arena_fini(&req->arena);
    syn_free(req);
    *con_cls = NULL;
}

/* Leave the URL as received: web/query.c decodes it. */
static size_t
unescape_cb(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return strlen(s);
}

/* Decode the target and find the route. Errors are for web_fail(). */
static enum syn_status
prepare(struct web_req *req, struct syn_err *err)
{
    const char *t = req->target, *q;
    char *path_copy;
    enum syn_status st;

    if (t == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    req->route = WEB_R_BAD;
    q = strchr(t, '?');
    req->query_raw = q != NULL ? q + 1 : "";
    st = web_path_decode(t, q != NULL ? (size_t)(q - t) : strlen(t),
                         &req->arena, &req->path, err);
    if (st != SYN_OK)
        return st;
    st = web_params_parse(req->query_raw, strlen(req->query_raw), &req->arena,
                          &req->query, err);
    if (st != SYN_OK)
        return st;
    req->route = WEB_R_NOT_FOUND;
    path_copy = arena_strdup(&req->arena, req->path);
    if (path_copy == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    req->def = web_route_match(path_copy, req->args, &req->n_args);
    if (req->def == NULL)
        return syn_err_set(err, SYN_ENOTFOUND,
                           "There is no page at this "
                           "address.");
    req->route = req->def->route;
    return SYN_OK;
}

static const char *
default_cache_control(const struct web_req *req, unsigned status)
{
    if (status == 200 && req->route == WEB_R_STATIC)
        return "public, max-age=86400";
    if (status == 200 && req->def != NULL && (req->def->flags & WEB_F_CACHE))
        return "public, max-age=60";
    if (status == 301)
        return "public, max-age=3600";
    return "no-store";
}

static enum MHD_Result
serve_entry(struct web_server *s, struct web_req *req, struct web_entry *e)
{
    const char *inm, *ims;
    bool gz, not_modified = false;
    struct MHD_Response *r;
    unsigned status = e->status;

    gz = e->gz != NULL &&
         web_accepts_gzip(web_req_header(req, MHD_HTTP_HEADER_ACCEPT_ENCODING));
    if (e->nm != NULL && (req->method == WEB_GET || req->method == WEB_HEAD)) {
        inm = web_req_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
        ims = web_req_header(req, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
        if (inm != NULL) {
            not_modified = web_entry_etag_matches(e, inm);
        } else if (ims != NULL) {
            not_modified = strcmp(ims, e->last_modified) == 0;
        }
    }
    if (not_modified) {
        r = gz && e->nm_gz != NULL ? e->nm_gz : e->nm;
        status = MHD_HTTP_NOT_MODIFIED;
        atomic_fetch_add_explicit(&s->metrics.not_modified, 1,
                                  memory_order_relaxed);
    } else {
        r = gz ? e->gz : e->plain;
    }
    req->sent_status = status;
    return MHD_queue_response(req->conn, status, r);
}

/* Only targets whose query holds parameters some page reads are cached:
 * "/a/1/x?junk=N" renders like "/a/1/x" but must not fill the cache with
 * one entry per N. */
static bool
query_cacheable(const struct web_req *req)
{
    static const char *const known[] = {"before"};
    size_t i, k;

    for (i = 0; i < req->query.n; i++) {
        for (k = 0; k < SYN_ARRAY_LEN(known); k++) {
            if (strcmp(req->query.items[i].name, known[k]) == 0)
                break;
        }
        if (k == SYN_ARRAY_LEN(known))
            return false;
    }
    return true;
}

/* Run the handler (or report st) and send the answer. Holds the site
 * read lock so that a reload cannot free the theme under the handler. */
static enum MHD_Result
respond(struct web_server *s, struct web_req *req, enum syn_status st,
        struct syn_err *err)
{
    struct web_entry *e = NULL;
    struct web_entry_spec spec;
    enum MHD_Result rc;
    bool cacheable;
    uint64_t gen = current_gen(s);

    pthread_rwlock_rdlock(&s->site_lock);
    req->site = s->site;
    cacheable = st == SYN_OK && !req->resp.set && req->def != NULL &&
                (req->def->flags & WEB_F_CACHE) &&
                (req->method == WEB_GET || req->method == WEB_HEAD) &&
                req->target != NULL && query_cacheable(req);
    if (cacheable) {
        e = web_cache_get(s->cache, req->target, gen);
        if (e != NULL) {
            atomic_fetch_add_explicit(&s->metrics.cache_hits, 1,
                                      memory_order_relaxed);
            rc = serve_entry(s, req, e);
            web_entry_release(e);
            pthread_rwlock_unlock(&s->site_lock);
            return rc;
        }
    }
    if (st == SYN_OK && req->body_too_big) {
        st = syn_err_set(err, SYN_ETOOBIG, "The form is larger than %u bytes.",
                         (unsigned)SYN_MAX_REQ_BODY);
    }
    if (st == SYN_OK && !req->resp.set) {
        syn_err_clear(err);
        st = req->def->handler(req, err);
        if (st == SYN_OK && !req->resp.set) {
            st = syn_err_set(err, SYN_EINVAL, "handler gave no answer");
        }
    }
    if (st != SYN_OK) {
        buf_reset(&req->resp.body);
        req->resp.set = false;
        web_fail(req, st, err);
    }
    memset(&spec, 0, sizeof(spec));
    spec.status = req->resp.status;
    spec.ctype = req->resp.ctype;
    spec.body = req->resp.body.data != NULL ? req->resp.body.data : "";
    spec.len = req->resp.body.len;
    spec.location = req->resp.location;
    spec.cache_control = req->resp.cache_control != NULL
                             ? req->resp.cache_control
                             : default_cache_control(req, spec.status);
    spec.validators = spec.status == 200;
    spec.no_gzip =
        !(cacheable && spec.status == 200 && !req->resp.no_cache) &&
        !web_accepts_gzip(web_req_header(req, MHD_HTTP_HEADER_ACCEPT_ENCODING));
    if (web_entry_new(&spec, &e, err) != SYN_OK) {
        pthread_rwlock_unlock(&s->site_lock);
        log_error(s->opts.log, "response failed path=%s msg=\"%s\"",
                  req->path != NULL ? req->path : "-", err->msg);
        return MHD_NO;
    }
    if (cacheable && spec.status == 200 && !req->resp.no_cache) {
        atomic_fetch_add_explicit(&s->metrics.cache_misses, 1,
                                  memory_order_relaxed);
        if (web_cache_put(s->cache, req->target, gen, e)) {
            atomic_fetch_add_explicit(&s->metrics.cache_flushes, 1,
                                      memory_order_relaxed);
        }
    }
    rc = serve_entry(s, req, e);
    web_entry_release(e);
    pthread_rwlock_unlock(&s->site_lock);
    return rc;
}

/* MHD calls this at least twice per request: first with the headers
 * (nothing may be queued yet, or MHD closes the connection instead of
 * keeping it alive), then with each piece of body, then once more with
 * no data: that last call answers. */
static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
          const char *method, const char *version, const char *upload_data,
          size_t *upload_data_size, void **con_cls)
{
    struct web_server *s = cls;
    struct web_req *req = *con_cls;

    (void)url;
    (void)version;
    if (req == NULL)
        return MHD_NO; /* out of memory in uri_log_cb */
    if (!req->started) {
        req->started = true;
        req->conn = conn;
        if (strcmp(method, MHD_HTTP_METHOD_GET) == 0) {
            req->method = WEB_GET;
        } else if (strcmp(method, MHD_HTTP_METHOD_HEAD) == 0) {
            req->method = WEB_HEAD;
        } else if (strcmp(method, MHD_HTTP_METHOD_POST) == 0) {
            req->method = WEB_POST;
        } else {
            req->method = WEB_OTHER;
        }
        syn_err_clear(&req->prep_err);
        req->prep_status = prepare(req, &req->prep_err);
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        /* Bodies are kept only for routes that take them, up to the
         * limit; the rest is read and dropped. */
        if (req->prep_status == SYN_OK && req->method == WEB_POST &&
            (req->def->flags & WEB_F_POST) && !req->body_too_big &&
            buf_append(&req->body_in, upload_data, *upload_data_size) !=
                SYN_OK) {
            req->body_too_big = true;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->prep_status == SYN_OK &&
        (req->method == WEB_OTHER ||
         (req->method == WEB_POST && !(req->def->flags & WEB_F_POST)))) {
        pthread_rwlock_rdlock(&s->site_lock);
        req->site = s->site;
        SYN_IGNORE(web_reply(req, 405, "text/plain; charset=utf-8",
                             "method not allowed\n", 19, &req->prep_err));
        pthread_rwlock_unlock(&s->site_lock);
    }
    return respond(s, req, req->prep_status, &req->prep_err);
}

const char *
web_req_header(const struct web_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* The address a reverse proxy on this host put last in X-Forwarded-For
 * (nginx's $proxy_add_x_forwarded_for appends the peer it saw), copied
 * into out when it is a valid IP address. */
static bool
forwarded_ip(const struct web_req *req, char out[INET6_ADDRSTRLEN])
{
    const char *xff = web_req_header(req, "X-Forwarded-For");
    const char *last;
    unsigned char bin[sizeof(struct in6_addr)];
    size_t n;

    if (xff == NULL)
        return false;
    last = strrchr(xff, ',');
    last = last != NULL ? last + 1 : xff;
    while (*last == ' ' || *last == '\t') {
        last++;
    }
    n = strcspn(last, " \t");
    if (n == 0 || n >= INET6_ADDRSTRLEN)
        return false;
    memcpy(out, last, n);
    out[n] = '\0';
    return inet_pton(AF_INET, out, bin) == 1 ||
           inet_pton(AF_INET6, out, bin) == 1;
}

const char *
web_req_client_ip(struct web_req *req)
{
    const union MHD_ConnectionInfo *ci;
    char text[INET6_ADDRSTRLEN], fwd[INET6_ADDRSTRLEN];
    const char *ip = NULL;
    char *copy;

    ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci != NULL && ci->client_addr != NULL) {
        const struct sockaddr *sa = ci->client_addr;

        if (sa->sa_family == AF_INET) {
            ip = inet_ntop(
                AF_INET,
                &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text,
                sizeof(text));
        } else if (sa->sa_family == AF_INET6) {
            ip = inet_ntop(
                AF_INET6,
                &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                text, sizeof(text));
        }
    }
    if (ip == NULL)
        return "unknown";
    /* Only a proxy on this host is believed: anyone else could write the
     * header to dodge the rate limits. */
    if ((strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "::1") == 0) &&
        forwarded_ip(req, fwd)) {
        ip = fwd;
    }
    copy = arena_strdup(&req->arena, ip);
    return copy != NULL ? copy : "unknown";
}

/* ---- store per thread ---- */

/* What each server thread keeps: its store connection and the last data
 * version it saw on it. */
struct thread_state {
    struct store *store;  /* owned */
    int64_t last_version; /* store_data_version() at the last check */
    bool seen;            /* last_version is set */
    uint64_t checked_ns;  /* monotonic time of the last check */
};

/* A thread asks its store for the data version at most this often: a
 * write shows on pages within 20 ms, and a busy thread saves a database
 * call per request (~10% of a cached answer). */
#define GEN_CHECK_NS (20u * 1000 * 1000)

static void
thread_state_free(void *p)
{
    struct thread_state *ts = p;

    store_close(ts->store);
    syn_free(ts);
}

static enum syn_status
thread_state(struct web_server *s, struct thread_state **out,
             struct syn_err *err)
{
    struct thread_state *ts = pthread_getspecific(s->store_key);
    enum syn_status rc;

    if (ts == NULL) {
        ts = syn_calloc(1, sizeof(*ts));
        if (ts == NULL)
            return syn_err_set(err, SYN_ENOMEM, "out of memory");
        rc = store_open(s->opts.db_path, &ts->store, err);
        if (rc != SYN_OK) {
            syn_free(ts);
            return rc;
        }
        if (pthread_setspecific(s->store_key, ts) != 0) {
            thread_state_free(ts);
            return syn_err_set(err, SYN_ENOMEM, "pthread_setspecific");
        }
    }
    *out = ts;
    return SYN_OK;
}

enum syn_status
web_req_store(struct web_req *req, struct store **out, struct syn_err *err)
{
    struct thread_state *ts = NULL;
    enum syn_status rc;

    if (req->server == NULL) /* a request made up outside a server */
        return syn_err_set(err, SYN_EDB, "no store for this request");
    rc = thread_state(req->server, &ts, err);
    if (rc != SYN_OK)
        return rc;
    *out = ts->store;
    return SYN_OK;
}

/* The cache generation, moved on when this thread's connection sees that
 * the database changed (a fetch in another process, a share count). A
 * store that cannot be asked leaves the generation as it is: the handler
 * will report the store's failure itself. */
static uint64_t
current_gen(struct web_server *s)
{
    struct thread_state *ts = NULL;
    struct syn_err err;
    int64_t v;
    uint64_t now;

    if (thread_state(s, &ts, &err) != SYN_OK)
        return atomic_load(&s->gen);
    now = now_ns();
    if (ts->seen && now - ts->checked_ns < GEN_CHECK_NS)
        return atomic_load(&s->gen);
    ts->checked_ns = now;
    if (store_data_version(ts->store, &v, &err) == SYN_OK &&
        (!ts->seen || v != ts->last_version)) {
        ts->seen = true;
        ts->last_version = v;
        return atomic_fetch_add(&s->gen, 1) + 1;
    }
    return atomic_load(&s->gen);
}

/* Migrate the schema and load (or create) the CSRF key, once, before
 * any thread serves. */
static enum syn_status
store_prepare(struct web_server *s, struct syn_err *err)
{
    struct store *st = NULL;
    enum syn_status rc;

    rc = store_open(s->opts.db_path, &st, err);
    if (rc == SYN_OK) {
        rc = store_migrate(st, NULL, err);
    }
    if (rc == SYN_OK) {
        rc = app_secret_get(st, "csrf_key", s->csrf_key, NULL, err);
    }
    store_close(st);
    return rc;
}

/* ---- start, reload, stop ---- */

static enum syn_status
parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6,
             struct syn_err *err)
{
    char host[128];
    const char *colon;
    size_t hl;
    long port;

    memset(ss, 0, sizeof(*ss));
    *v6 = listen[0] == '[';
    if (*v6) {
        const char *close = strchr(listen, ']');

        if (close == NULL || close[1] != ':')
            goto bad;
        hl = (size_t)(close - listen - 1);
        if (hl >= sizeof(host))
            goto bad;
        memcpy(host, listen + 1, hl);
        colon = close + 1;
    } else {
        colon = strrchr(listen, ':');
        if (colon == NULL)
            goto bad;
        hl = (size_t)(colon - listen);
        if (hl >= sizeof(host))
            goto bad;
        memcpy(host, listen, hl);
    }
    host[hl] = '\0';
    if (str_to_long(colon + 1, 0, 65535, &port) != SYN_OK)
        goto bad;
    if (*v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
            goto bad;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;

        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &a->sin_addr) != 1)
            goto bad;
    }
    return SYN_OK;
bad:
    return syn_err_set(err, SYN_ECONFIG,
                       "bad listen address '%s' (want "
                       "ADDR:PORT or [V6ADDR]:PORT)",
                       listen);
}

static enum syn_status
copy_opt(const char *in, const char *dflt, char **out, struct syn_err *err)
{
    *out = syn_strdup(in != NULL ? in : dflt);
    if (*out == NULL && (in != NULL || dflt != NULL))
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    return SYN_OK;
}

static void
site_free(struct web_site *site)
{
    if (site == NULL)
        return;
    web_theme_free(site->theme_owned);
    syn_free(site->title);
    syn_free(site->base_url);
    syn_free(site->language);
    syn_free(site->theme_dir);
    syn_free(site->tagline);
    syn_free(site);
}

static void
server_free(struct web_server *s)
{
    if (s == NULL)
        return;
    site_free(s->site);
    web_cache_free(s->cache);
    pthread_rwlock_destroy(&s->site_lock);
    syn_free(s->listen);
    syn_free(s->db_path);
    if (s->store_key_made) {
        pthread_key_delete(s->store_key);
    }
    sodium_memzero(s->csrf_key, sizeof(s->csrf_key));
    syn_free(s->team_addresses);
    syn_free(s);
}

/* A site from the site fields of o (title, base_url, language,
 * theme_dir; copied) and the server's fixed options. */
static enum syn_status
site_new(struct web_server *s, const struct web_opts *o, struct web_site **out,
         struct syn_err *err)
{
    struct web_site *site = syn_calloc(1, sizeof(*site));
    enum syn_status st;
    size_t n;

    if (site == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    st = copy_opt(o->site_title, "syndic", &site->title, err);
    if (st == SYN_OK) {
        st = copy_opt(o->base_url, "http://127.0.0.1:8080", &site->base_url,
                      err);
    }
    if (st == SYN_OK) {
        st = copy_opt(o->language, "en", &site->language, err);
    }
    if (st == SYN_OK) {
        st = copy_opt(o->theme_dir, NULL, &site->theme_dir, err);
    }
    if (st == SYN_OK) {
        st = copy_opt(o->tagline, NULL, &site->tagline, err);
    }
    if (st == SYN_OK) {
        st = web_theme_load(site->theme_dir, required_templates,
                            &site->theme_owned, err);
    }
    if (st != SYN_OK) {
        site_free(site);
        return st;
    }
    /* base_url without its trailing slash, so that base_url + "/a/1"
     * works. */
    n = strlen(site->base_url);
    while (n > 0 && site->base_url[n - 1] == '/') {
        site->base_url[--n] = '\0';
    }
    site->opts_copy = s->opts;
    site->opts_copy.site_title = site->title;
    site->opts_copy.base_url = site->base_url;
    site->opts_copy.language = site->language;
    site->opts_copy.theme_dir = site->theme_dir;
    site->opts_copy.tagline = site->tagline;
    site->opts = &site->opts_copy;
    site->theme = site->theme_owned;
    site->metrics = &s->metrics;
    site->csrf_key = s->csrf_key;
    *out = site;
    return SYN_OK;
}

/* Stop accepting on every daemon, give open requests STOP_GRACE_MS to
 * finish, then close everything. */
static void
stop_daemons(struct web_server *s)
{
    MHD_socket fd;
    int waited;
    unsigned i;

    for (i = 0; i < s->n_daemons; i++) {
        fd = MHD_quiesce_daemon(s->daemons[i]);
        if (fd != MHD_INVALID_SOCKET) {
            close(fd);
        }
    }
    for (waited = 0; waited < STOP_GRACE_MS; waited += 50) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        unsigned open = 0;

        for (i = 0; i < s->n_daemons; i++) {
            const union MHD_DaemonInfo *info = MHD_get_daemon_info(
                s->daemons[i], MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

            open += info != NULL ? info->num_connections : 0;
        }
        if (open == 0)
            break;
        nanosleep(&ts, NULL);
    }
    for (i = 0; i < s->n_daemons; i++) {
        MHD_stop_daemon(s->daemons[i]);
    }
    s->n_daemons = 0;
}

/* Whether another socket already listens on ss. The daemons share their
 * port through SO_REUSEPORT, which would also let a second `serve` join
 * the first one's port and take half its connections without a word; a
 * probe bound without SO_REUSEPORT fails when anything listens there
 * (SO_REUSEADDR only lets it past connections in TIME_WAIT). */
static bool
address_in_use(const struct sockaddr_storage *ss)
{
    int one = 1, fd = socket(ss->ss_family, SOCK_STREAM, 0);
    socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                              : sizeof(struct sockaddr_in);
    bool used;

    if (fd < 0)
        return false; /* the daemon's own bind reports the problem */
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    used =
        bind(fd, (const struct sockaddr *)ss, len) != 0 && errno == EADDRINUSE;
    close(fd);
    return used;
}

/* Set the port of an address parse_listen() filled. */
static void
set_port(struct sockaddr_storage *ss, unsigned port)
{
    if (ss->ss_family == AF_INET6) {
        ((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
    } else {
        ((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
    }
}

enum syn_status
web_server_start(const struct web_opts *o, struct web_server **out,
                 struct syn_err *err)
{
    struct web_server *s = syn_calloc(1, sizeof(*s));
    struct sockaddr_storage ss;
    const union MHD_DaemonInfo *info;
    unsigned threads = o->threads;
    unsigned flags;
    bool v6;
    enum syn_status st;
    long cores;

    if (s == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    if (pthread_rwlock_init(&s->site_lock, NULL) != 0) {
        syn_free(s);
        return syn_err_set(err, SYN_ENOMEM, "pthread_rwlock_init failed");
    }
    s->opts = *o;
    st = copy_opt(o->listen, "127.0.0.1:8080", &s->listen, err);
    if (st == SYN_OK) {
        st = copy_opt(o->db_path, "syndic.db", &s->db_path, err);
    }
    if (st == SYN_OK) {
        st = copy_opt(o->team_addresses, NULL, &s->team_addresses, err);
    }
    if (st != SYN_OK)
        goto fail;
    s->opts.listen = s->listen;
    s->opts.db_path = s->db_path;
    s->opts.team_addresses = s->team_addresses;
    /* Site fields live in the site (they change on reload). */
    s->opts.site_title = s->opts.base_url = s->opts.language = NULL;
    s->opts.theme_dir = s->opts.tagline = NULL;
    web_metrics_init(&s->metrics);
    atomic_init(&s->gen, 1);
    s->cache = web_cache_new();
    if (s->cache == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto fail;
    }
    st = parse_listen(s->listen, &ss, &v6, err);
    if (st != SYN_OK)
        goto fail;
    if (sodium_init() < 0) {
        st = syn_err_set(err, SYN_ENOMEM, "sodium_init failed");
        goto fail;
    }
    if (pthread_key_create(&s->store_key, thread_state_free) != 0) {
        st = syn_err_set(err, SYN_ENOMEM, "pthread_key_create failed");
        goto fail;
    }
    s->store_key_made = true;
    st = store_prepare(s, err);
    if (st != SYN_OK)
        goto fail;
    st = site_new(s, o, &s->site, err);
    if (st != SYN_OK)
        goto fail;
    if (threads == 0) {
        cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? (unsigned)cores : 1;
    }
    if (threads > SYN_MAX_THREADS) {
        threads = SYN_MAX_THREADS;
    }
    /* TURBO: read, write and accept before asking epoll (non-blocking
     * sockets make a miss cheap). */
    flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
            MHD_USE_TURBO;
    if (v6) {
        flags |= MHD_USE_IPv6;
    }
    if (address_in_use(&ss)) {
        st = syn_err_set(err, SYN_ENET, "cannot listen on %s: address in use",
                         s->listen);
        goto fail;
    }
    for (s->n_daemons = 0; s->n_daemons < threads; s->n_daemons++) {
        struct MHD_Daemon *d = MHD_start_daemon(
            flags, 0, NULL, NULL, access_cb, s,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SYN_CONN_MEMORY_BYTES,
            MHD_OPTION_CONNECTION_LIMIT,
            (unsigned)(SYN_MAX_CONNECTIONS / threads),
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SYN_CONN_TIMEOUT_S,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
            MHD_OPTION_URI_LOG_CALLBACK, uri_log_cb, s,
            MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
            MHD_OPTION_UNESCAPE_CALLBACK, unescape_cb, s,
            MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);

        if (d == NULL) {
            st = syn_err_set(err, SYN_ENET, "cannot listen on %s", s->listen);
            goto fail;
        }
        s->daemons[s->n_daemons] = d;
        if (s->n_daemons == 0) {
            /* the others join the port the first one bound (port 0 asks
             * for any free port) */
            info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
            s->port = info != NULL ? info->port : 0;
            set_port(&ss, s->port);
        }
    }
    log_info(s->opts.log, "listening addr=%s port=%u threads=%u", s->listen,
             s->port, threads);
    *out = s;
    return SYN_OK;
fail:
    stop_daemons(s);
    server_free(s);
    return st;
}

unsigned
web_server_port(const struct web_server *s)
{
    return s->port;
}

enum syn_status
web_server_reload(struct web_server *s, const struct web_opts *o,
                  struct syn_err *err)
{
    struct web_site *site = NULL, *old;
    enum syn_status st = site_new(s, o != NULL ? o : s->site->opts, &site, err);

    if (st != SYN_OK)
        return st;
    pthread_rwlock_wrlock(&s->site_lock);
    old = s->site;
    s->site = site;
    pthread_rwlock_unlock(&s->site_lock);
    site_free(old);
    web_server_invalidate(s);
    atomic_fetch_add_explicit(&s->metrics.cache_flushes, 1,
                              memory_order_relaxed);
    return SYN_OK;
}

void
web_server_invalidate(struct web_server *s)
{
    atomic_fetch_add(&s->gen, 1);
    web_cache_flush(s->cache);
}

void
web_server_stop(struct web_server *s)
{
    if (s == NULL)
        return;
    stop_daemons(s);
    log_info(s->opts.log, "stopped");
    server_free(s);
}
