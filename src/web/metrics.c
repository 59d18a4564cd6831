/* Prometheus counters (see metrics.h). Relaxed atomics: counters need no
 * ordering with anything else, only no lost increments. */
#include "web/metrics.h"

#include <stddef.h>

static const unsigned status_codes[WEB_STATUS_SLOTS] = {
    200, 301, 302, 304, 400, 403, 404, 405, 413, 429, 500, 503, 0 /* other */
};

/* Upper bounds in microseconds; the last bucket is +Inf. */
static const unsigned long lat_bounds_us[WEB_LAT_BUCKETS - 1] = {
    100, 250, 500, 1000, 2500, 5000, 25000, 100000, 1000000,
};

void
web_metrics_init(struct web_metrics *m)
{
    size_t r, i;

    for (r = 0; r < WEB_R_COUNT; r++) {
        for (i = 0; i < WEB_STATUS_SLOTS; i++) {
            atomic_init(&m->requests[r][i], 0);
        }
        for (i = 0; i < WEB_LAT_BUCKETS; i++) {
            atomic_init(&m->lat_bucket[r][i], 0);
        }
        atomic_init(&m->lat_sum_us[r], 0);
    }
    atomic_init(&m->cache_hits, 0);
    atomic_init(&m->cache_misses, 0);
    atomic_init(&m->not_modified, 0);
    atomic_init(&m->cache_flushes, 0);
    for (i = 0; i < WEB_SHARE_SLOTS; i++) {
        atomic_init(&m->shares[i], 0);
    }
}

void
web_metrics_share(struct web_metrics *m, size_t i)
{
    if (i < WEB_SHARE_SLOTS) {
        atomic_fetch_add_explicit(&m->shares[i], 1, memory_order_relaxed);
    }
}

unsigned long
web_metrics_share_count(struct web_metrics *m, size_t i)
{
    if (i >= WEB_SHARE_SLOTS)
        return 0;
    return atomic_load_explicit(&m->shares[i], memory_order_relaxed);
}

void
web_metrics_record(struct web_metrics *m, enum web_route route,
                   unsigned http_status, unsigned long elapsed_us)
{
    size_t s, b;

    if ((unsigned)route >= WEB_R_COUNT) {
        route = WEB_R_NOT_FOUND;
    }
    for (s = 0; s < WEB_STATUS_SLOTS - 1; s++) {
        if (status_codes[s] == http_status)
            break;
    }
    for (b = 0; b < WEB_LAT_BUCKETS - 1; b++) {
        if (elapsed_us <= lat_bounds_us[b])
            break;
    }
    atomic_fetch_add_explicit(&m->requests[route][s], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->lat_bucket[route][b], 1,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&m->lat_sum_us[route], elapsed_us,
                              memory_order_relaxed);
}

static unsigned long
load(atomic_ulong *v)
{
    return atomic_load_explicit(v, memory_order_relaxed);
}

enum syn_status
web_metrics_write(struct web_metrics *m, struct buf *out)
{
    enum syn_status st;
    size_t r, i;

    st = buf_append_str(out,
                        "# HELP syndic_http_requests_total HTTP requests by "
                        "route and status.\n"
                        "# TYPE syndic_http_requests_total counter\n");
    for (r = 0; r < WEB_R_COUNT && st == SYN_OK; r++) {
        for (i = 0; i < WEB_STATUS_SLOTS && st == SYN_OK; i++) {
            unsigned long v = load(&m->requests[r][i]);

            if (v == 0)
                continue;
            if (status_codes[i] != 0) {
                st = buf_printf(out,
                                "syndic_http_requests_total{route=\"%s\""
                                ",status=\"%u\"} %lu\n",
                                web_route_name((enum web_route)r),
                                status_codes[i], v);
            } else {
                st = buf_printf(out,
                                "syndic_http_requests_total{route=\"%s\""
                                ",status=\"other\"} %lu\n",
                                web_route_name((enum web_route)r), v);
            }
        }
    }
    if (st == SYN_OK) {
        st = buf_append_str(out,
                            "# HELP syndic_http_request_duration_seconds Time "
                            "from request line to response sent.\n"
                            "# TYPE syndic_http_request_duration_seconds "
                            "histogram\n");
    }
    for (r = 0; r < WEB_R_COUNT && st == SYN_OK; r++) {
        unsigned long cum = 0;
        const char *name = web_route_name((enum web_route)r);

        for (i = 0; i < WEB_LAT_BUCKETS; i++) {
            cum += load(&m->lat_bucket[r][i]);
        }
        if (cum == 0)
            continue;
        cum = 0;
        for (i = 0; i < WEB_LAT_BUCKETS && st == SYN_OK; i++) {
            cum += load(&m->lat_bucket[r][i]);
            if (i < WEB_LAT_BUCKETS - 1) {
                st = buf_printf(out,
                                "syndic_http_request_duration_seconds_"
                                "bucket{route=\"%s\",le=\"%g\"} %lu\n",
                                name, (double)lat_bounds_us[i] / 1e6, cum);
            } else {
                st = buf_printf(out,
                                "syndic_http_request_duration_seconds_"
                                "bucket{route=\"%s\",le=\"+Inf\"} %lu\n",
                                name, cum);
            }
        }
        if (st == SYN_OK) {
            st = buf_printf(out,
                            "syndic_http_request_duration_seconds_sum"
                            "{route=\"%s\"} %.6f\n"
                            "syndic_http_request_duration_seconds_count"
                            "{route=\"%s\"} %lu\n",
                            name, (double)load(&m->lat_sum_us[r]) / 1e6, name,
                            cum);
        }
    }
    if (st == SYN_OK) {
        st = buf_printf(out,
                        "# HELP syndic_http_cache_hits_total Responses served "
                        "from the rendered-page cache.\n"
                        "# TYPE syndic_http_cache_hits_total counter\n"
                        "syndic_http_cache_hits_total %lu\n"
                        "# HELP syndic_http_cache_misses_total Cacheable "
                        "responses that had to be rendered.\n"
                        "# TYPE syndic_http_cache_misses_total counter\n"
                        "syndic_http_cache_misses_total %lu\n"
                        "# HELP syndic_http_not_modified_total 304 answers.\n"
                        "# TYPE syndic_http_not_modified_total counter\n"
                        "syndic_http_not_modified_total %lu\n"
                        "# HELP syndic_http_cache_flushes_total Times the "
                        "cache was emptied (a write, a reload, a limit).\n"
                        "# TYPE syndic_http_cache_flushes_total counter\n"
                        "syndic_http_cache_flushes_total %lu\n",
                        load(&m->cache_hits), load(&m->cache_misses),
                        load(&m->not_modified), load(&m->cache_flushes));
    }
    return st;
}
