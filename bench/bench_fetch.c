/* Driver for bench_fetch.sh: fetch one URL n times through fetch_run()
 * (one libcurl multi loop) and print "ok=N ms=T". With an ETag argument
 * the requests are conditional (the server answers 304).
 *   bench_fetch URL N CONCURRENCY [ETAG] */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "feed/fetch.h"

static enum syn_status
count(const struct fetch_job *job, struct fetch_result *res, void *user)
{
    long *ok = user;

    (void)job;
    if (res->st == SYN_OK) {
        (*ok)++;
    } else if (*ok == 0) {
        fprintf(stderr, "bench_fetch: %s: %s\n", syn_status_name(res->st),
                res->error);
    }
    return SYN_OK;
}

int
main(int argc, char **argv)
{
    struct fetch_opts o = {0};
    struct fetch_job *jobs;
    struct timespec a, b;
    struct syn_err err;
    long n, i, ok = 0;

    if (argc < 4)
        return 2;
    n = strtol(argv[2], NULL, 10);
    jobs = calloc((size_t)n, sizeof(*jobs));
    if (jobs == NULL || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    for (i = 0; i < n; i++) {
        jobs[i].url = argv[1];
        jobs[i].etag = argc > 4 ? argv[4] : NULL;
    }
    o.max_total = (int)strtol(argv[3], NULL, 10);
    o.max_per_host = o.max_total;
    o.allow_private = true;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (fetch_run(jobs, (size_t)n, &o, count, &ok, &err) != SYN_OK) {
        fprintf(stderr, "fetch_run: %s\n", err.msg);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("ok=%ld ms=%ld\n", ok,
           (long)((b.tv_sec - a.tv_sec) * 1000 +
                  (b.tv_nsec - a.tv_nsec) / 1000000));
    free(jobs);
    curl_global_cleanup();
    return 0;
}
