/* The fetch event loop: one libcurl multi handle, lazily started transfers
 * under a global and a per-host limit, redirects followed by hand so that
 * each hop is checked and permanent moves are seen (see fetch.h).
 *
 * Data flow: jobs[] --cursor--> (host busy? defer on that host's queue)
 * --> transfer (easy handle + body buf) --done--> redirect hop, or result
 * --> callback --> free. At most max_total transfers exist at once; the
 * only per-job memory is one index (the deferred-queue link). */
#include "feed/fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "util/ascii.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/net.h"
#include "util/str.h"
#include "util/url.h"

#define FETCH_NONE SIZE_MAX /* end of a deferred queue */

struct fetch_host {
    char *name;  /* owned, lower-case; "" for file URLs */
    int active;  /* transfers in flight */
    size_t head; /* first deferred job index, FETCH_NONE if none */
    size_t tail; /* last deferred job index */
    bool ready;  /* on the loop's ready stack */
};

struct fetch_loop;

struct fetch_xfer {
    struct fetch_loop *loop;  /* owner */
    CURL *easy;               /* owned */
    struct curl_slist *hdrs;  /* owned request headers */
    size_t job;               /* index into loop->jobs */
    size_t host;              /* index into loop->hosts */
    char *url;                /* owned: URL of the current hop */
    char *permanent_url;      /* owned: after the leading 301/308 hops */
    bool perm_chain;          /* every hop so far was permanent */
    bool is_file;             /* file:// job */
    int redirects;            /* hops followed */
    struct buf body;          /* decoded body, bounded by max_bytes */
    enum syn_status write_st; /* why the write callback stopped */
    bool denied;              /* the SSRF guard refused a socket */
    char denied_ip[INET6_ADDRSTRLEN];
    enum net_addr_class denied_cls;
    char errbuf[CURL_ERROR_SIZE];
    struct fetch_xfer *prev, *next; /* loop's list of live transfers */
};

struct fetch_loop {
    const struct fetch_job *jobs; /* borrowed */
    size_t n_jobs;
    struct fetch_opts opts; /* with defaults filled in */
    char ua[256];           /* default User-Agent */
    fetch_done_fn done;
    void *user;
    CURLM *multi;             /* owned */
    size_t cursor;            /* next job never looked at */
    size_t *next;             /* owned [n_jobs]: deferred links */
    struct fetch_host *hosts; /* owned [n_hosts] */
    size_t n_hosts, cap_hosts;
    size_t *slots;  /* owned hash index into hosts */
    size_t n_slots; /* power of two, > 2 * n_hosts */
    size_t *ready;  /* owned stack of host indexes */
    size_t n_ready;
    int active;               /* transfers in flight */
    struct fetch_xfer *xfers; /* owned list of live transfers */
    struct fetch_xfer *pool;  /* owned idle transfers for reuse */
    int n_pool;               /* entries in pool, <= max_total */
    enum syn_status stop;     /* callback's stop status, or SYN_OK */
};

/* --- host table --- */

static uint64_t
fetch_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static enum syn_status
fetch_slots_grow(struct fetch_loop *l)
{
    size_t n = l->n_slots == 0 ? 64 : l->n_slots * 2;
    size_t *slots = syn_malloc(n * sizeof(*slots));
    size_t i;

    if (slots == NULL)
        return SYN_ENOMEM;
    for (i = 0; i < n; i++) {
        slots[i] = FETCH_NONE;
    }
    for (i = 0; i < l->n_hosts; i++) {
        size_t k = (size_t)fetch_hash(l->hosts[i].name) & (n - 1);

        while (slots[k] != FETCH_NONE) {
            k = (k + 1) & (n - 1);
        }
        slots[k] = i;
    }
    syn_free(l->slots);
    l->slots = slots;
    l->n_slots = n;
    return SYN_OK;
}

/* Index of the host named name (created when new) in *out. */
static enum syn_status
fetch_host_get(struct fetch_loop *l, const char *name, size_t *out)
{
    struct fetch_host *h;
    size_t k;

    if ((l->n_hosts + 1) * 2 > l->n_slots && fetch_slots_grow(l) != SYN_OK)
        return SYN_ENOMEM;
    k = (size_t)fetch_hash(name) & (l->n_slots - 1);
    while (l->slots[k] != FETCH_NONE) {
        if (strcmp(l->hosts[l->slots[k]].name, name) == 0) {
            *out = l->slots[k];
            return SYN_OK;
        }
        k = (k + 1) & (l->n_slots - 1);
    }
    if (l->n_hosts == l->cap_hosts) {
        size_t cap = l->cap_hosts == 0 ? 16 : l->cap_hosts * 2;
        struct fetch_host *hosts;
        size_t *ready;

        hosts = syn_realloc(l->hosts, cap * sizeof(*hosts));
        if (hosts == NULL)
            return SYN_ENOMEM;
        l->hosts = hosts;
        ready = syn_realloc(l->ready, cap * sizeof(*ready));
        if (ready == NULL)
            return SYN_ENOMEM;
        l->ready = ready;
        l->cap_hosts = cap;
    }
    h = &l->hosts[l->n_hosts];
    h->name = syn_strdup(name);
    if (h->name == NULL)
        return SYN_ENOMEM;
    h->active = 0;
    h->head = h->tail = FETCH_NONE;
    h->ready = false;
    l->slots[k] = l->n_hosts;
    *out = l->n_hosts++;
    return SYN_OK;
}

/* --- results --- */

void
fetch_result_fini(struct fetch_result *r)
{
    syn_free(r->body);
    syn_free(r->etag);
    syn_free(r->last_modified);
    syn_free(r->content_type);
    syn_free(r->final_url);
    syn_free(r->permanent_url);
}

static void
fetch_result_init(struct fetch_result *r)
{
    memset(r, 0, sizeof(*r));
    r->retry_after_s = -1;
    r->cache_max_age_s = -1;
}

SYN_PRINTF(3, 4)
static void
fetch_result_fail(struct fetch_result *r, enum syn_status st, const char *fmt,
                  ...)
{
    va_list ap;

    r->st = st;
    va_start(ap, fmt);
    if (vsnprintf(r->error, sizeof(r->error), fmt, ap) < 0) {
        r->error[0] = '\0';
    }
    va_end(ap);
}

/* Report a job that never became a transfer. */
static void
fetch_report_early(struct fetch_loop *l, size_t j, enum syn_status st,
                   const char *msg)
{
    struct fetch_result r;
    enum syn_status cb;

    fetch_result_init(&r);
    fetch_result_fail(&r, st, "%s", msg);
    cb = l->done(&l->jobs[j], &r, l->user);
    if (cb != SYN_OK && l->stop == SYN_OK) {
        l->stop = cb;
    }
    fetch_result_fini(&r);
}

/* --- curl callbacks --- */

static size_t
fetch_write_cb(char *p, size_t size, size_t nmemb, void *data)
{
    struct fetch_xfer *x = data;
    size_t n = size * nmemb;
    enum syn_status st = buf_append(&x->body, p, n);

    if (st != SYN_OK) {
        /* Returning short makes libcurl stop with CURLE_WRITE_ERROR: a
         * gzip bomb stops at max_bytes of decoded output. */
        x->write_st = st;
        return 0;
    }
    return n;
}

static curl_socket_t
fetch_opensocket_cb(void *data, curlsocktype purpose,
                    struct curl_sockaddr *addr)
{
    struct fetch_xfer *x = data;
    enum net_addr_class c;

    (void)purpose;
    c = net_sockaddr_class(&addr->addr, addr->addrlen);
    if (c != NET_ADDR_PUBLIC && !x->loop->opts.allow_private) {
        const void *ip = NULL;
        struct sockaddr_in sin;
        struct sockaddr_in6 sin6;

        x->denied = true;
        x->denied_cls = c;
        x->denied_ip[0] = '\0';
        if (addr->family == AF_INET && addr->addrlen >= (unsigned)sizeof(sin)) {
            memcpy(&sin, &addr->addr, sizeof(sin));
            ip = &sin.sin_addr;
        } else if (addr->family == AF_INET6 &&
                   addr->addrlen >= (unsigned)sizeof(sin6)) {
            memcpy(&sin6, &addr->addr, sizeof(sin6));
            ip = &sin6.sin6_addr;
        }
        if (ip == NULL || inet_ntop(addr->family, ip, x->denied_ip,
                                    sizeof(x->denied_ip)) == NULL) {
            SYN_IGNORE(str_copy(x->denied_ip, sizeof(x->denied_ip), "?"));
        }
        return CURL_SOCKET_BAD;
    }
    return socket(addr->family, addr->socktype, addr->protocol);
}

/* --- transfers --- */

/* Unlink x from the live list and the multi handle, drop its per-job
 * state. */
static void
fetch_xfer_detach(struct fetch_xfer *x)
{
    if (x->prev != NULL) {
        x->prev->next = x->next;
    } else if (x->loop->xfers == x) {
        x->loop->xfers = x->next;
    }
    if (x->next != NULL) {
        x->next->prev = x->prev;
    }
    x->prev = x->next = NULL;
    if (x->easy != NULL) {
        SYN_IGNORE(curl_multi_remove_handle(x->loop->multi, x->easy));
    }
    curl_slist_free_all(x->hdrs);
    x->hdrs = NULL;
    syn_free(x->url);
    syn_free(x->permanent_url);
    x->url = x->permanent_url = NULL;
}

static void
fetch_xfer_free(struct fetch_xfer *x)
{
    if (x == NULL)
        return;
    fetch_xfer_detach(x);
    if (x->easy != NULL) {
        curl_easy_cleanup(x->easy);
    }
    buf_fini(&x->body);
    syn_free(x);
}

/* Done with x: keep its easy handle and body storage for the next job
 * (curl_easy_reset keeps nothing of the old job; live connections belong
 * to the multi handle anyway), up to max_total idle ones. Reuse spares
 * each job an easy handle's set-up and buffers. */
static void
fetch_xfer_release(struct fetch_xfer *x)
{
    struct fetch_loop *l = x->loop;

    if (x->easy == NULL || l->n_pool >= l->opts.max_total) {
        fetch_xfer_free(x);
        return;
    }
    fetch_xfer_detach(x);
    curl_easy_reset(x->easy);
    x->next = l->pool;
    l->pool = x;
    l->n_pool++;
}

/* An idle transfer from the pool, or a new one; NULL on ENOMEM. */
static struct fetch_xfer *
fetch_xfer_get(struct fetch_loop *l)
{
    struct fetch_xfer *x = l->pool;

    if (x != NULL) {
        CURL *easy = x->easy;
        struct buf body = x->body;

        l->pool = x->next;
        l->n_pool--;
        memset(x, 0, sizeof(*x));
        x->easy = easy;
        x->body = body;
        buf_reset(&x->body);
    } else {
        x = syn_calloc(1, sizeof(*x));
        if (x == NULL)
            return NULL;
        buf_init(&x->body, l->opts.max_bytes);
        x->easy = curl_easy_init();
        if (x->easy == NULL) {
            syn_free(x);
            return NULL;
        }
    }
    x->loop = l;
    return x;
}

/* Header line "name: value" unless value holds CR or LF (a stored validator
 * must not smuggle a header). */
static enum syn_status
fetch_add_header(struct curl_slist **list, const char *name, const char *value)
{
    struct buf b;
    struct curl_slist *l;
    enum syn_status st;

    if (value == NULL || value[0] == '\0' || strpbrk(value, "\r\n") != NULL)
        return SYN_OK;
    buf_init(&b, SYN_MAX_URL_BYTES);
    st = buf_printf(&b, "%s: %s", name, value);
    if (st == SYN_ETOOBIG) {
        buf_fini(&b);
        return SYN_OK; /* NOTE: drops an absurd validator */
    }
    if (st != SYN_OK) {
        buf_fini(&b);
        return st;
    }
    l = curl_slist_append(*list, buf_cstr(&b));
    buf_fini(&b);
    if (l == NULL)
        return SYN_ENOMEM;
    *list = l;
    return SYN_OK;
}

static bool
fetch_setopts(struct fetch_xfer *x)
{
    const struct fetch_opts *o = &x->loop->opts;
    CURL *e = x->easy;
    CURLcode c = CURLE_OK;

#define SET(opt, val)                                                          \
    do {                                                                       \
        if (c == CURLE_OK)                                                     \
            c = curl_easy_setopt(e, opt, val);                                 \
    } while (0)
    SET(CURLOPT_URL, x->url);
    SET(CURLOPT_PRIVATE, (void *)x);
    SET(CURLOPT_WRITEFUNCTION, fetch_write_cb);
    SET(CURLOPT_WRITEDATA, (void *)x);
    SET(CURLOPT_ERRORBUFFER, x->errbuf);
    SET(CURLOPT_PROTOCOLS_STR,
        o->allow_file && x->is_file ? "file" : "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_USERAGENT, o->user_agent);
    SET(CURLOPT_HTTPHEADER, x->hdrs);
    SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, o->timeout_ms);
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
    SET(CURLOPT_OPENSOCKETFUNCTION, fetch_opensocket_cb);
    SET(CURLOPT_OPENSOCKETDATA, (void *)x);
    SET(CURLOPT_PROXY, "");
    SET(CURLOPT_NOSIGNAL, 1L);
#undef SET
    return c == CURLE_OK;
}

/* Create and add the transfer of job j (host h); on failure report it. */
static void
fetch_start(struct fetch_loop *l, size_t j, size_t h, bool is_file)
{
    const struct fetch_job *job = &l->jobs[j];
    struct fetch_xfer *x = fetch_xfer_get(l);
    enum syn_status st = SYN_ENOMEM;

    if (x == NULL)
        goto fail;
    x->job = j;
    x->host = h;
    x->is_file = is_file;
    x->perm_chain = true;
    x->url = syn_strdup(job->url);
    x->permanent_url = syn_strdup(job->url);
    if (x->url == NULL || x->permanent_url == NULL)
        goto fail;
    if (!is_file) {
        static const char accept[] =
            "application/rss+xml, application/atom+xml, "
            "application/feed+json, application/xml;q=0.9, "
            "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

        if (fetch_add_header(&x->hdrs, "Accept", accept) != SYN_OK ||
            fetch_add_header(&x->hdrs, "If-None-Match", job->etag) != SYN_OK ||
            fetch_add_header(&x->hdrs, "If-Modified-Since",
                             job->last_modified) != SYN_OK)
            goto fail;
    }
    if (!fetch_setopts(x) ||
        curl_multi_add_handle(l->multi, x->easy) != CURLM_OK)
        goto fail;
    l->hosts[h].active++;
    l->active++;
    x->next = l->xfers;
    if (l->xfers != NULL) {
        l->xfers->prev = x;
    }
    l->xfers = x;
    return;
fail:
    fetch_xfer_free(x);
    fetch_report_early(l, j, st, "out of memory starting the transfer");
}

/* Lower-case host of url (or "" for file URLs) into *host, and whether it
 * is a file URL. SYN_EINVAL for an unparsable URL or another scheme,
 * SYN_EDENIED for file:// without allow_file. */
static enum syn_status
fetch_classify_url(const struct fetch_loop *l, const char *url, char **host,
                   bool *is_file, const char **why)
{
    enum syn_status st = SYN_OK;
    CURLU *u = NULL;
    char *scheme = NULL, *name = NULL;
    CURLUcode uc;
    size_t i;

    *host = NULL;
    if (url == NULL || strlen(url) > SYN_MAX_URL_BYTES) {
        *why = "missing or overlong URL";
        return SYN_EINVAL;
    }
    u = curl_url();
    if (u == NULL)
        return SYN_ENOMEM;
    uc = curl_url_set(u, CURLUPART_URL, url, 0);
    if (uc == CURLUE_OUT_OF_MEMORY) {
        st = SYN_ENOMEM;
        goto out;
    }
    if (uc != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
        *why = "malformed URL";
        st = SYN_EINVAL;
        goto out;
    }
    *is_file = strcmp(scheme, "file") == 0;
    if (*is_file) {
        if (!l->opts.allow_file) {
            *why = "file:// URLs are not allowed ([fetch] allow_file)";
            st = SYN_EDENIED;
            goto out;
        }
        *host = syn_strdup("");
    } else if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) {
        if (curl_url_get(u, CURLUPART_HOST, &name, 0) != CURLUE_OK) {
            *why = "URL without a host";
            st = SYN_EINVAL;
            goto out;
        }
        for (i = 0; name[i] != '\0'; i++) {
            name[i] = (char)ascii_tolower((unsigned char)name[i]);
        }
        *host = syn_strdup(name);
    } else {
        *why = "only http, https and file URLs can be fetched";
        st = SYN_EINVAL;
        goto out;
    }
    if (*host == NULL) {
        st = SYN_ENOMEM;
    }
out:
    curl_free(name);
    curl_free(scheme);
    curl_url_cleanup(u);
    return st;
}

/* Invariant: a host with deferred jobs has a transfer in flight (whose end
 * will wake it) or sits on the ready stack; else its jobs would be lost. */
static void
fetch_host_wake(struct fetch_loop *l, size_t h)
{
    struct fetch_host *host = &l->hosts[h];

    if (host->head != FETCH_NONE && !host->ready &&
        host->active < l->opts.max_per_host) {
        host->ready = true;
        l->ready[l->n_ready++] = h;
    }
}

static void
fetch_defer(struct fetch_loop *l, size_t j, size_t h)
{
    struct fetch_host *host = &l->hosts[h];

    l->next[j] = FETCH_NONE;
    if (host->tail == FETCH_NONE) {
        host->head = j;
    } else {
        l->next[host->tail] = j;
    }
    host->tail = j;
}

/* Start transfers until max_total are in flight or no job can start. */
static void
fetch_fill(struct fetch_loop *l)
{
    while (l->active < l->opts.max_total && l->stop == SYN_OK) {
        struct fetch_host *host;
        size_t j, h;
        char *name = NULL;
        bool is_file = false;
        const char *why = "out of memory";
        enum syn_status st;

        /* Jobs that waited for their host go first. */
        if (l->n_ready > 0) {
            h = l->ready[--l->n_ready];
            host = &l->hosts[h];
            host->ready = false;
            if (host->head == FETCH_NONE ||
                host->active >= l->opts.max_per_host)
                continue;
            j = host->head;
            host->head = l->next[j];
            if (host->head == FETCH_NONE) {
                host->tail = FETCH_NONE;
            }
            /* A deferred job passed fetch_classify_url: only file:// jobs
             * live under the empty host name. */
            fetch_start(l, j, h, host->name[0] == '\0');
            fetch_host_wake(l, h);
            continue;
        }
        if (l->cursor >= l->n_jobs)
            break;
        j = l->cursor++;
        st = fetch_classify_url(l, l->jobs[j].url, &name, &is_file, &why);
        if (st == SYN_OK) {
            st = fetch_host_get(l, name, &h);
        }
        syn_free(name);
        if (st != SYN_OK) {
            fetch_report_early(l, j, st, why);
            continue;
        }
        if (l->hosts[h].active >= l->opts.max_per_host) {
            fetch_defer(l, j, h);
            continue;
        }
        fetch_start(l, j, h, is_file);
        fetch_host_wake(l, h);
    }
}

/* Copy of the last response's header name, or NULL. */
static char *
fetch_header(CURL *e, const char *name)
{
    struct curl_header *h = NULL;

    if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK ||
        h == NULL || h->value == NULL)
        return NULL;
    return syn_strdup(h->value);
}

/* Fill r from a transfer that ended with code (not a redirect to follow).
 * Returns SYN_ENOMEM only when r could not be filled. */
static enum syn_status
fetch_finish(struct fetch_xfer *x, CURLcode code, struct fetch_result *r)
{
    long status = 0;
    char *ct = NULL, *v;

    SYN_IGNORE(curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status));
    r->redirects = x->redirects;
    r->final_url = syn_strdup(x->url);
    r->permanent_url = syn_strdup(x->permanent_url);
    if (r->final_url == NULL || r->permanent_url == NULL)
        return SYN_ENOMEM;
    r->permanent_redirect =
        strcmp(x->permanent_url, x->loop->jobs[x->job].url) != 0;
    if (code != CURLE_OK) {
        r->status = status;
        if (x->denied) {
            fetch_result_fail(r, SYN_EDENIED,
                              "refused to connect to %s (%s address); "
                              "see [fetch] allow_private",
                              x->denied_ip, net_addr_class_name(x->denied_cls));
        } else if (code == CURLE_WRITE_ERROR && x->write_st == SYN_ETOOBIG) {
            fetch_result_fail(r, SYN_ETOOBIG, "body larger than %zu bytes",
                              x->loop->opts.max_bytes);
        } else if (code == CURLE_FILESIZE_EXCEEDED) {
            fetch_result_fail(r, SYN_ETOOBIG,
                              "body larger than %zu bytes (Content-Length)",
                              x->loop->opts.max_bytes);
        } else if (code == CURLE_OUT_OF_MEMORY ||
                   (code == CURLE_WRITE_ERROR && x->write_st == SYN_ENOMEM)) {
            fetch_result_fail(r, SYN_ENOMEM, "out of memory");
        } else if (code == CURLE_OPERATION_TIMEDOUT) {
            fetch_result_fail(r, SYN_ETIMEOUT, "timed out: %s",
                              x->errbuf[0] ? x->errbuf
                                           : curl_easy_strerror(code));
        } else if (code == CURLE_UNSUPPORTED_PROTOCOL) {
            fetch_result_fail(r, SYN_EDENIED, "protocol not allowed");
        } else if (code == CURLE_FILE_COULDNT_READ_FILE) {
            fetch_result_fail(r, SYN_ENOTFOUND, "cannot read file: %s",
                              x->errbuf[0] ? x->errbuf
                                           : curl_easy_strerror(code));
        } else if (code == CURLE_URL_MALFORMAT) {
            fetch_result_fail(r, SYN_EINVAL, "malformed URL");
        } else {
            fetch_result_fail(r, SYN_ENET, "%s",
                              x->errbuf[0] ? x->errbuf
                                           : curl_easy_strerror(code));
        }
        return SYN_OK;
    }
    if (x->is_file) {
        status = 200; /* a file read is a 200 for the scheduler and list */
    } else {
        r->etag = fetch_header(x->easy, "ETag");
        r->last_modified = fetch_header(x->easy, "Last-Modified");
        v = fetch_header(x->easy, "Retry-After");
        if (v != NULL && fetch_parse_retry_after(v, time(NULL),
                                                 &r->retry_after_s) != SYN_OK) {
            r->retry_after_s = -1;
        }
        syn_free(v);
        v = fetch_header(x->easy, "Cache-Control");
        if (v != NULL &&
            fetch_parse_max_age(v, &r->cache_max_age_s) != SYN_OK) {
            r->cache_max_age_s = -1;
        }
        syn_free(v);
        SYN_IGNORE(curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct));
        if (ct != NULL) {
            r->content_type = syn_strdup(ct);
            if (r->content_type == NULL)
                return SYN_ENOMEM;
        }
    }
    r->status = status;
    if (status == 304) {
        r->not_modified = true;
        r->st = SYN_OK;
    } else if (status >= 200 && status < 300) {
        r->len = x->body.len;
        r->body = buf_take(&x->body);
        if (r->body == NULL)
            return SYN_ENOMEM;
        r->st = SYN_OK;
    } else if (status == 404 || status == 410) {
        fetch_result_fail(r, SYN_ENOTFOUND, "HTTP %ld", status);
    } else if (status == 401 || status == 403) {
        fetch_result_fail(r, SYN_EAUTH, "HTTP %ld", status);
    } else if (status >= 300 && status < 400) {
        fetch_result_fail(r, SYN_ENET, "HTTP %ld without a usable Location",
                          status);
    } else {
        fetch_result_fail(r, SYN_ENET, "HTTP %ld", status);
    }
    return SYN_OK;
}

/* If x ended on a redirect, start the next hop and return true; when the
 * hop is refused, fill r and return false. */
static bool
fetch_follow(struct fetch_xfer *x, struct fetch_result *r, bool *failed)
{
    struct fetch_loop *l = x->loop;
    long status = 0;
    char *loc = NULL, *next;

    *failed = false;
    SYN_IGNORE(curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status));
    if (x->is_file || (status != 301 && status != 302 && status != 303 &&
                       status != 307 && status != 308))
        return false;
    SYN_IGNORE(curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &loc));
    if (loc == NULL)
        return false;
    *failed = true;
    r->status = status;
    r->redirects = x->redirects;
    if (x->redirects >= SYN_MAX_REDIRECTS) {
        fetch_result_fail(r, SYN_ENET, "more than %d redirects",
                          SYN_MAX_REDIRECTS);
        return false;
    }
    if (!url_is_http(loc) || strlen(loc) > SYN_MAX_URL_BYTES) {
        fetch_result_fail(r, SYN_EDENIED,
                          "redirect to a URL that is not http(s)");
        return false;
    }
    next = syn_strdup(loc);
    if (next == NULL) {
        fetch_result_fail(r, SYN_ENOMEM, "out of memory");
        return false;
    }
    if (x->perm_chain && (status == 301 || status == 308)) {
        char *p = syn_strdup(next);

        if (p == NULL) {
            syn_free(next);
            fetch_result_fail(r, SYN_ENOMEM, "out of memory");
            return false;
        }
        syn_free(x->permanent_url);
        x->permanent_url = p;
    } else {
        x->perm_chain = false;
    }
    SYN_IGNORE(curl_multi_remove_handle(l->multi, x->easy));
    syn_free(x->url);
    x->url = next;
    x->redirects++;
    buf_reset(&x->body);
    x->write_st = SYN_OK;
    x->denied = false;
    x->errbuf[0] = '\0';
    if (curl_easy_setopt(x->easy, CURLOPT_URL, x->url) != CURLE_OK ||
        curl_multi_add_handle(l->multi, x->easy) != CURLM_OK) {
        fetch_result_fail(r, SYN_ENOMEM, "cannot start the redirect");
        return false;
    }
    *failed = false;
    return true;
}

/* A transfer ended: follow a redirect or report the result. */
static void
fetch_done(struct fetch_loop *l, struct fetch_xfer *x, CURLcode code)
{
    struct fetch_result r;
    bool failed = false;
    enum syn_status cb;

    fetch_result_init(&r);
    if (code == CURLE_OK && fetch_follow(x, &r, &failed))
        return;
    if (failed) {
        /* r holds the refusal; add what we know of the chain. */
        r.final_url = syn_strdup(x->url);
        r.permanent_url = syn_strdup(x->permanent_url);
        r.permanent_redirect =
            r.permanent_url != NULL &&
            strcmp(r.permanent_url, l->jobs[x->job].url) != 0;
    } else if (fetch_finish(x, code, &r) != SYN_OK) {
        fetch_result_fini(&r);
        fetch_result_init(&r);
        fetch_result_fail(&r, SYN_ENOMEM, "out of memory");
    }
    l->active--;
    l->hosts[x->host].active--;
    fetch_host_wake(l, x->host);
    cb = l->done(&l->jobs[x->job], &r, l->user);
    if (cb != SYN_OK && l->stop == SYN_OK) {
        l->stop = cb;
    }
    fetch_result_fini(&r);
    fetch_xfer_release(x);
}

static void
fetch_loop_fini(struct fetch_loop *l)
{
    size_t i;

    /* Transfers still in flight (stopped run or loop failure). */
    while (l->xfers != NULL) {
        fetch_xfer_free(l->xfers);
    }
    while (l->pool != NULL) {
        struct fetch_xfer *x = l->pool;

        l->pool = x->next;
        x->next = NULL;
        fetch_xfer_free(x);
    }
    if (l->multi != NULL) {
        SYN_IGNORE(curl_multi_cleanup(l->multi));
    }
    for (i = 0; i < l->n_hosts; i++) {
        syn_free(l->hosts[i].name);
    }
    syn_free(l->hosts);
    syn_free(l->slots);
    syn_free(l->ready);
    syn_free(l->next);
}

enum syn_status
fetch_run(const struct fetch_job *jobs, size_t n_jobs,
          const struct fetch_opts *opts, fetch_done_fn done, void *user,
          struct syn_err *err)
{
    struct fetch_loop l;
    enum syn_status st = SYN_OK;

    if (opts == NULL || done == NULL || (jobs == NULL && n_jobs > 0))
        return syn_err_set(err, SYN_EINVAL, "fetch_run: missing argument");
    memset(&l, 0, sizeof(l));
    l.jobs = jobs;
    l.n_jobs = n_jobs;
    l.opts = *opts;
    l.done = done;
    l.user = user;
    if (l.opts.max_total <= 0) {
        l.opts.max_total = SYN_FETCH_MAX_TOTAL;
    }
    if (l.opts.max_per_host <= 0) {
        l.opts.max_per_host = SYN_FETCH_MAX_PER_HOST;
    }
    if (l.opts.connect_timeout_ms <= 0) {
        l.opts.connect_timeout_ms = SYN_FETCH_CONNECT_TIMEOUT_MS;
    }
    if (l.opts.timeout_ms <= 0) {
        l.opts.timeout_ms = SYN_FETCH_TIMEOUT_MS;
    }
    if (l.opts.max_bytes == 0) {
        l.opts.max_bytes = SYN_MAX_FEED_BYTES;
    }
    if (l.opts.user_agent == NULL) {
        l.opts.user_agent =
            fetch_user_agent(l.opts.site_url, l.ua, sizeof(l.ua));
    }
    if (n_jobs == 0)
        return SYN_OK;
    l.next = syn_malloc(n_jobs * sizeof(*l.next));
    l.multi = curl_multi_init();
    if (l.next == NULL || l.multi == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory starting fetches");
        goto out;
    }
    fetch_fill(&l);
    while (l.active > 0 && l.stop == SYN_OK) {
        struct CURLMsg *msg;
        int running = 0, left = 0;
        CURLMcode mc = curl_multi_perform(l.multi, &running);

        if (mc != CURLM_OK) {
            st = syn_err_set(err,
                             mc == CURLM_OUT_OF_MEMORY ? SYN_ENOMEM : SYN_ENET,
                             "curl multi: %s", curl_multi_strerror(mc));
            goto out;
        }
        while (l.stop == SYN_OK &&
               (msg = curl_multi_info_read(l.multi, &left)) != NULL) {
            struct fetch_xfer *x = NULL;

            if (msg->msg != CURLMSG_DONE)
                continue;
            SYN_IGNORE(curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
                                         (char **)&x));
            fetch_done(&l, x, msg->data.result);
        }
        fetch_fill(&l);
        if (l.active == 0 || l.stop != SYN_OK)
            break;
        mc = curl_multi_poll(l.multi, NULL, 0, 1000, NULL);
        if (mc != CURLM_OK) {
            st = syn_err_set(err, SYN_ENET, "curl multi: %s",
                             curl_multi_strerror(mc));
            goto out;
        }
    }
    if (l.stop != SYN_OK) {
        st = syn_err_set(err, l.stop, "fetch run stopped by its caller");
    }
out:
    fetch_loop_fini(&l);
    return st;
}
