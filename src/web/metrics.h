/* Counters for /metrics in the Prometheus text format 0.0.4: requests by
 * route and status, a latency histogram per route, response-cache hits.
 * Counters are C11 atomics updated lock-free from every server thread.
 * Fetch and mail counters are appended by a hook of web_opts. */
#ifndef SYNDIC_WEB_METRICS_H
#define SYNDIC_WEB_METRICS_H

#include <stdatomic.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "web/router.h"

#define WEB_STATUS_SLOTS 13
#define WEB_LAT_BUCKETS 10
#define WEB_SHARE_SLOTS 16 /* share networks, indexed by the page handler */

struct web_metrics {
    atomic_ulong requests[WEB_R_COUNT][WEB_STATUS_SLOTS];
    atomic_ulong lat_bucket[WEB_R_COUNT][WEB_LAT_BUCKETS]; /* not cumulative */
    atomic_ulong lat_sum_us[WEB_R_COUNT];
    atomic_ulong cache_hits;
    atomic_ulong cache_misses;
    atomic_ulong not_modified;
    atomic_ulong cache_flushes;
    atomic_ulong shares[WEB_SHARE_SLOTS];
};

/* Zero every counter. */
void web_metrics_init(struct web_metrics *m);

/* Count one finished request. */
void web_metrics_record(struct web_metrics *m, enum web_route route,
                        unsigned http_status, unsigned long elapsed_us);

/* Count one followed share link of network slot i / read the count. */
void web_metrics_share(struct web_metrics *m, size_t i);
unsigned long web_metrics_share_count(struct web_metrics *m, size_t i);

/* Append the counters in Prometheus text format. Errors are buf's. */
enum syn_status web_metrics_write(struct web_metrics *m,
                                  struct buf *out) SYN_NODISCARD;

#endif
