/* The server object, shared by the files of web/ that need its insides
 * (server.c, req.c). Not for handlers: they see struct web_req. */
#ifndef SYNDIC_WEB_SERVER_INTERNAL_H
#define SYNDIC_WEB_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <stdbool.h>

#include "util/limits.h"
#include "web/csrf.h"
#include "web/metrics.h"
#include "web/server.h"

struct MHD_Daemon;
struct web_cache;
struct web_site;

struct web_server {
    struct web_opts opts;   /* fixed options; site fields unused */
    char *listen, *db_path; /* owned copies for opts */
    char *team_addresses;   /* owned copy for opts, or NULL */
    /* One single-threaded daemon per server thread, each with its own
     * SO_REUSEPORT socket on the same address: the kernel spreads new
     * connections evenly over them. (One daemon with a thread pool lets
     * whichever thread wakes first accept a burst of them: a benchmark's
     * 64 connections could all land on one thread.) */
    struct MHD_Daemon *daemons[SYN_MAX_THREADS]; /* owned */
    unsigned n_daemons;
    unsigned port;              /* bound TCP port */
    pthread_rwlock_t site_lock; /* guards site against reloads */
    struct web_site *site;      /* owned, with its theme */
    struct web_cache *cache;    /* owned */
    struct web_metrics metrics;
    atomic_uint_fast64_t gen; /* bumped by every known write */
    pthread_key_t store_key;  /* each thread's struct store * */
    bool store_key_made;
    unsigned char csrf_key[WEB_CSRF_KEY_BYTES]; /* site secret */
};

#endif
