/* The ingest pipeline (see ingest.h). */
#include "app/ingest.h"

#include <sodium.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "app/normalize.h"
#include "feed/fetch.h"
#include "feed/parse.h"
#include "store/store.h"
#include "util/ascii.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/simhash.h"
#include "util/str.h"
#include "util/url.h"
#include "util/url_canon.h"

/* How far back near-duplicates are looked for: wire stories are re-run
 * within days, not months; 7 days of items is a few thousand rows. */
#define INGEST_CLUSTER_WINDOW_S (7 * 86400)
#define INGEST_CLUSTER_CANDIDATES 5000
/* Topics matched on one item by keyword rules. */
#define INGEST_MAX_TOPICS 32

/* Near-duplicate candidates: recent items' simhash and source. */
struct cluster_candidates {
    struct store_item_list *list; /* from the store, or NULL */
    int64_t *extra_id, *extra_source;
    uint64_t *extra_hash;
    size_t n_extra, cap_extra;
};

struct ingest_run_state {
    struct syn_ctx *ctx;
    const struct ingest_opts *opts;
    struct ingest_stats *stats;
    struct syn_err *err;
    int64_t now;
    struct cluster_candidates cands; /* recent items, loaded once per run */
};

static int64_t
now_s(void)
{
    return (int64_t)time(NULL);
}

static void
policy_from_config(const struct syn_config *cfg, struct fetch_policy *p)
{
    fetch_policy_default(p);
    p->interval_s = cfg->fetch_interval_s;
    p->min_interval_s = cfg->fetch_min_interval_s;
    p->max_interval_s = cfg->fetch_max_interval_s;
    p->max_errors = (int)cfg->fetch_max_errors;
}

/* Hex BLAKE2b-128 of what makes an item "changed" for readers. */
static void
content_hash(const struct feed_item *it, char out[33])
{
    const char *parts[] = {it->title, it->url, it->summary_html,
                           it->content_html, it->image};
    unsigned char h[16];
    crypto_generichash_state st;
    size_t i;

    crypto_generichash_init(&st, NULL, 0, sizeof(h));
    for (i = 0; i < SYN_ARRAY_LEN(parts); i++) {
        const char *p = parts[i] != NULL ? parts[i] : "";

        crypto_generichash_update(&st, (const unsigned char *)p,
                                  strlen(p) + 1);
    }
    crypto_generichash_final(&st, h, sizeof(h));
    sodium_bin2hex(out, 33, h, sizeof(h));
}

/* JSON array of strings into b (for authors, categories); NULL when empty. */
static const char *
json_strings(struct buf *b, const struct feed_strings *s)
{
    size_t i, j;

    buf_reset(b);
    if (s->n == 0)
        return NULL;
    if (buf_append_char(b, '[') != SYN_OK)
        return NULL;
    for (i = 0; i < s->n; i++) {
        const unsigned char *p = (const unsigned char *)s->v[i];

        if (buf_append_str(b, i ? ",\"" : "\"") != SYN_OK)
            return NULL;
        for (j = 0; p[j] != '\0'; j++) {
            enum syn_status st;

            if (p[j] == '"' || p[j] == '\\')
                st = buf_printf(b, "\\%c", p[j]);
            else if (p[j] < 0x20)
                st = buf_printf(b, "\\u%04x", p[j]);
            else
                st = buf_append_char(b, (char)p[j]);
            if (st != SYN_OK)
                return NULL;
        }
        if (buf_append_char(b, '"') != SYN_OK)
            return NULL;
    }
    if (buf_append_char(b, ']') != SYN_OK)
        return NULL;
    return buf_cstr(b);
}

/* Does haystack (lower-cased ASCII) contain keyword kw as a word? Word
 * boundaries only apply to ASCII letters and digits: "water" does not
 * match "waterfall", while an Arabic or Chinese keyword matches inside
 * any text (Chinese has no spaces). */
static bool
keyword_match(const char *haystack, const char *kw)
{
    size_t n = strlen(kw);
    const char *p = haystack;

    if (n == 0)
        return false;
    while ((p = strstr(p, kw)) != NULL) {
        bool left = p == haystack || !ascii_isalnum((unsigned char)p[-1]) ||
                    !ascii_isalnum((unsigned char)kw[0]);
        bool right = !ascii_isalnum((unsigned char)p[n]) ||
                     !ascii_isalnum((unsigned char)kw[n - 1]);

        if (left && right)
            return true;
        p++;
    }
    return false;
}

static size_t
match_topics(const struct syn_config *cfg, const char *title,
             const char *text, struct buf *scratch,
             const char *slugs[INGEST_MAX_TOPICS])
{
    size_t i, j, n = 0;
    char *p;

    buf_reset(scratch);
    if (buf_printf(scratch, "%s\n%s", title ? title : "", text ? text : "") !=
        SYN_OK)
        return 0;
    for (p = scratch->data; *p != '\0'; p++)
        *p = (char)ascii_tolower((unsigned char)*p);
    for (i = 0; i < cfg->n_topics && n < INGEST_MAX_TOPICS; i++) {
        for (j = 0; j < cfg->topics[i].n_keywords; j++) {
            if (keyword_match(scratch->data, cfg->topics[i].keywords[j])) {
                slugs[n++] = cfg->topics[i].slug;
                break;
            }
        }
    }
    return n;
}

static enum syn_status
candidates_add(struct cluster_candidates *c, int64_t id, int64_t source,
               uint64_t hash)
{
    if (c->n_extra == c->cap_extra) {
        size_t cap = c->cap_extra ? c->cap_extra * 2 : 64;
        int64_t *ids = syn_realloc(c->extra_id, cap * sizeof(*ids));
        int64_t *srcs;
        uint64_t *hashes;

        if (ids == NULL)
            return SYN_ENOMEM;
        c->extra_id = ids;
        srcs = syn_realloc(c->extra_source, cap * sizeof(*srcs));
        if (srcs == NULL)
            return SYN_ENOMEM;
        c->extra_source = srcs;
        hashes = syn_realloc(c->extra_hash, cap * sizeof(*hashes));
        if (hashes == NULL)
            return SYN_ENOMEM;
        c->extra_hash = hashes;
        c->cap_extra = cap;
    }
    c->extra_id[c->n_extra] = id;
    c->extra_source[c->n_extra] = source;
    c->extra_hash[c->n_extra] = hash;
    c->n_extra++;
    return SYN_OK;
}

static void
candidates_fini(struct cluster_candidates *c)
{
    store_item_list_free(c->list);
    syn_free(c->extra_id);
    syn_free(c->extra_source);
    syn_free(c->extra_hash);
}

/* The closest recent item of another source within max_distance bits, or
 * 0. Ties go to the earliest candidate found (the newest stored item). */
static int64_t
candidates_nearest(const struct cluster_candidates *c, int64_t id,
                   int64_t source, uint64_t hash, int max_distance)
{
    int best = max_distance + 1;
    int64_t best_id = 0;
    size_t i;

    for (i = 0; c->list != NULL && i < c->list->n; i++) {
        const struct store_item *it = &c->list->v[i];
        int d;

        if (it->source_id == source || it->id == id || it->simhash == 0)
            continue;
        d = simhash_distance(hash, it->simhash);
        if (d < best) {
            best = d;
            best_id = it->id;
        }
    }
    for (i = 0; i < c->n_extra; i++) {
        int d;

        if (c->extra_source[i] == source || c->extra_id[i] == id)
            continue;
        d = simhash_distance(hash, c->extra_hash[i]);
        if (d < best) {
            best = d;
            best_id = c->extra_id[i];
        }
    }
    return best_id;
}

/* Store one cleaned item. */
static enum syn_status
ingest_item(struct syn_ctx *ctx, const struct store_source *src,
            const struct feed_item *it, const char *text,
            struct cluster_candidates *cands, struct buf *scratch,
            struct ingest_source_report *r, struct syn_err *err)
{
    struct store_item in;
    struct store_item *dup = NULL;
    struct buf authors, categories;
    const char *topics[INGEST_MAX_TOPICS];
    enum store_upsert result = STORE_UNCHANGED;
    char hash[33], *canonical = NULL;
    enum syn_status st;
    int64_t id = 0, near;
    size_t n_topics;

    buf_init(&authors, 64u * 1024);
    buf_init(&categories, 64u * 1024);
    memset(&in, 0, sizeof(in));
    if (it->url == NULL || !url_is_http(it->url)) {
        /* Nothing to send readers to: "continue reading" needs a link. */
        st = SYN_OK;
        goto out;
    }
    st = url_canon(it->url, &canonical, err);
    if (st == SYN_EINVAL) {
        st = SYN_OK; /* a link we cannot parse is not a story */
        goto out;
    }
    if (st != SYN_OK)
        goto out;
    st = store_item_find_by_canonical(ctx->store, canonical, &dup, err);
    if (st == SYN_OK && dup->source_id != src->id) {
        r->duplicates++;
        goto out;
    }
    if (st != SYN_OK && st != SYN_ENOTFOUND)
        goto out;
    content_hash(it, hash);
    in.source_id = src->id;
    in.guid = (char *)(it->id != NULL ? it->id : it->url);
    in.url = (char *)it->url;
    in.canonical_url = canonical;
    in.title = (char *)it->title;
    in.authors = (char *)json_strings(&authors, &it->authors);
    in.categories = (char *)json_strings(&categories, &it->categories);
    in.published = it->published.known ? it->published.unix_s : 0;
    in.updated = it->updated.known ? it->updated.unix_s : 0;
    in.summary_html = (char *)it->summary_html;
    in.content_html = (char *)it->content_html;
    in.excerpt_html = (char *)it->excerpt_html;
    in.excerpt_text = (char *)it->excerpt_text;
    in.image = (char *)it->image;
    in.language = (char *)it->language;
    in.content_hash = hash;
    in.text = (char *)text;
    /* Partners retitle a wire story more than they edit its body: the
     * fingerprint is of the text, or of the title when there is none. */
    if (text != NULL && text[0] != '\0')
        in.simhash = simhash_text(text, strlen(text));
    else if (it->title != NULL)
        in.simhash = simhash_text(it->title, strlen(it->title));
    st = store_item_upsert(ctx->store, &in, now_s(), &result, &id, err);
    if (st != SYN_OK)
        goto out;
    if (result == STORE_UNCHANGED)
        goto out;
    if (result == STORE_UPDATED) {
        r->updated_items++;
        goto out;
    }
    r->new_items++;
    n_topics = match_topics(&ctx->cfg, it->title, text, scratch, topics);
    if (n_topics > 0) {
        st = store_item_add_topics(ctx->store, id, topics, n_topics, err);
        if (st != SYN_OK)
            goto out;
    }
    near = candidates_nearest(cands, id, src->id, in.simhash,
                              (int)ctx->cfg.fetch_cluster_distance);
    if (near != 0) {
        st = store_cluster_assign(ctx->store, id, near, now_s(), NULL, err);
        if (st != SYN_OK)
            goto out;
    }
    st = candidates_add(cands, id, src->id, in.simhash);
    if (st != SYN_OK)
        syn_err_set(err, st, "out of memory");
out:
    store_item_free(dup);
    syn_free(canonical);
    buf_fini(&authors);
    buf_fini(&categories);
    return st;
}

/* The bookkeeping of one fetch (feed/fetch.h decides; the configuration
 * gives the policy). parse_st is SYN_OK when nothing was parsed. */
static void
decide(const struct syn_ctx *ctx, const struct fetch_result *res,
       enum syn_status parse_st, int prev_errors,
       const struct fetch_hints *hints, int64_t now,
       struct fetch_outcome *out)
{
    struct fetch_policy p;

    policy_from_config(&ctx->cfg, &p);
    fetch_outcome_decide(res, parse_st, prev_errors, &p, hints, (time_t)now,
                         randombytes_random(), out);
}

static enum syn_status
candidates_load(struct syn_ctx *ctx, int64_t now, struct cluster_candidates *c,
                struct syn_err *err)
{
    memset(c, 0, sizeof(*c));
    return store_item_simhash_list(ctx->store, now - INGEST_CLUSTER_WINDOW_S,
                                   INGEST_CLUSTER_CANDIDATES, &c->list, err);
}

/* ingest_feed() against candidates loaded by the caller: a run loads them
 * once, not once per feed (5 ms each, 50 s over 10,000 feeds). On failure
 * the candidates this feed added are dropped again with the transaction. */
static enum syn_status
ingest_feed_with(struct syn_ctx *ctx, const struct store_source *src,
                 const struct ingest_fetch *fetched,
                 struct cluster_candidates *cands,
                 struct ingest_source_report *r, struct syn_err *err)
{
    struct feed_parse_opts popts = {fetched->url, fetched->http_charset};
    struct normalize_opts nopts = {(size_t)ctx->cfg.article_words,
                                   (size_t)ctx->cfg.excerpt_words};
    struct store_fetch_result state;
    size_t n_extra = cands->n_extra;
    struct feed *f = NULL;
    struct feed_item *it;
    struct buf scratch;
    struct fetch_hints hints = {0, 0, 0};
    struct fetch_outcome outcome;
    struct fetch_result res;
    enum syn_status st;

    buf_init(&scratch, 4u * SYN_MAX_FIELD_BYTES);
    st = feed_parse(fetched->body, fetched->len, &popts, &f, err);
    if (st != SYN_OK)
        goto out;
    hints.ttl_min = f->ttl_min;
    if (f->update_period_s > 0)
        hints.update_period_s =
            f->update_period_s /
            (f->update_frequency > 0 ? f->update_frequency : 1);
    for (it = f->items; it != NULL; it = it->next) {
        const char *text = NULL;

        st = normalize_item(f, it, &nopts, &text, err);
        if (st == SYN_OK)
            st = ingest_item(ctx, src, it, text, cands, &scratch, r, err);
        if (st != SYN_OK)
            goto out;
    }
    memset(&state, 0, sizeof(state));
    state.status = (int)fetched->status;
    state.etag = fetched->etag;
    state.last_modified = fetched->last_modified;
    state.title = src->title == NULL ? f->title : NULL;
    state.site_url = f->link;
    state.fetched = fetched->now;
    memset(&res, 0, sizeof(res));
    res.st = SYN_OK;
    res.status = fetched->status;
    res.retry_after_s = -1;
    res.cache_max_age_s = fetched->cache_max_age_s;
    decide(ctx, &res, SYN_OK, src->errors, &hints, fetched->now, &outcome);
    state.next_fetch = outcome.next_fetch;
    st = store_source_update_fetch(ctx->store, src->id, &state, err);
out:
    if (st != SYN_OK)
        cands->n_extra = n_extra;
    buf_fini(&scratch);
    feed_free(f);
    return st;
}

enum syn_status
ingest_feed(struct syn_ctx *ctx, const struct store_source *src,
            const struct ingest_fetch *fetched, struct ingest_source_report *r,
            struct syn_err *err)
{
    struct cluster_candidates cands;
    enum syn_status st;

    st = candidates_load(ctx, fetched->now, &cands, err);
    if (st == SYN_OK)
        st = ingest_feed_with(ctx, src, fetched, &cands, r, err);
    candidates_fini(&cands);
    return st;
}

/* charset= of a Content-Type value into out[cap], or NULL. */
static const char *
content_type_charset(const char *ct, char *out, size_t cap)
{
    const char *p;
    size_t n = 0;

    if (ct == NULL)
        return NULL;
    for (p = ct; *p != '\0'; p++) {
        if (str_ncasecmp(p, "charset=", 8) == 0)
            break;
    }
    if (*p == '\0')
        return NULL;
    p += 8;
    if (*p == '"')
        p++;
    while (p[n] != '\0' && p[n] != '"' && p[n] != ';' &&
           !ascii_isspace((unsigned char)p[n]) && n + 1 < cap) {
        out[n] = p[n];
        n++;
    }
    out[n] = '\0';
    return n > 0 ? out : NULL;
}

struct ingest_job_ctx {
    struct ingest_run_state *run;
    struct store_source_list *sources; /* owned by ingest_run */
};

/* Record a failed fetch (res failed, or its body did not parse with
 * parse_st): back off, maybe disable. */
static enum syn_status
ingest_record_failure(struct ingest_run_state *run,
                      const struct store_source *src,
                      const struct fetch_result *res,
                      enum syn_status parse_st, const char *error,
                      struct ingest_source_report *r)
{
    struct store_fetch_result state;
    struct fetch_outcome outcome;
    enum syn_status st;

    decide(run->ctx, res, parse_st, src->errors, NULL, run->now, &outcome);
    memset(&state, 0, sizeof(state));
    state.failed = true;
    state.status = (int)res->status;
    state.error = error;
    state.fetched = run->now;
    state.next_fetch = outcome.next_fetch;
    r->failed = true;
    r->error = error;
    st = store_source_update_fetch(run->ctx->store, src->id, &state, run->err);
    if (st != SYN_OK)
        return st;
    if (src->enabled && outcome.disable) {
        st = store_source_set_enabled(run->ctx->store, src->id, false,
                                      outcome.reason, run->err);
        r->disabled = st == SYN_OK;
    }
    return st;
}

static enum syn_status
ingest_record_not_modified(struct ingest_run_state *run,
                           const struct store_source *src,
                           const struct fetch_result *res)
{
    struct store_fetch_result state;
    struct fetch_outcome outcome;

    decide(run->ctx, res, SYN_OK, src->errors, NULL, run->now, &outcome);
    memset(&state, 0, sizeof(state));
    state.status = (int)res->status;
    state.etag = res->etag;
    state.last_modified = res->last_modified;
    state.fetched = run->now;
    state.next_fetch = outcome.next_fetch;
    return store_source_update_fetch(run->ctx->store, src->id, &state,
                                     run->err);
}

/* One parsed-and-stored feed in one transaction; on a bad document the
 * transaction is rolled back and the source records a failure. */
static enum syn_status
ingest_record_body(struct ingest_run_state *run,
                   const struct store_source *src, const struct fetch_result *res,
                   struct ingest_source_report *r, char *msg, size_t cap)
{
    struct ingest_fetch fetched;
    struct syn_err perr;
    char charset[64];
    enum syn_status st;

    fetched.url = res->final_url != NULL ? res->final_url : src->url;
    fetched.body = res->body;
    fetched.len = res->len;
    fetched.http_charset =
        content_type_charset(res->content_type, charset, sizeof(charset));
    fetched.status = res->status;
    fetched.etag = res->etag;
    fetched.last_modified = res->last_modified;
    fetched.cache_max_age_s = res->cache_max_age_s;
    fetched.now = run->now;
    syn_err_clear(&perr);
    st = store_begin(run->ctx->store, run->err);
    if (st != SYN_OK)
        return st;
    st = ingest_feed_with(run->ctx, src, &fetched, &run->cands, r, &perr);
    if (st == SYN_OK && res->permanent_redirect && res->permanent_url != NULL) {
        st = store_source_set_url(run->ctx->store, src->id, res->permanent_url,
                                  &perr);
        if (st == SYN_EEXIST)
            st = SYN_OK; /* another source already polls the new URL */
    }
    if (st == SYN_OK)
        return store_commit(run->ctx->store, run->err);
    SYN_IGNORE(store_rollback(run->ctx->store, NULL));
    r->new_items = r->updated_items = r->duplicates = 0;
    if (st != SYN_EPARSE && st != SYN_ETOOBIG && st != SYN_EINVAL) {
        *run->err = perr;
        return st;
    }
    snprintf(msg, cap, "not a readable feed: %s", perr.msg);
    return ingest_record_failure(run, src, res, st, msg, r);
}

static enum syn_status
ingest_done(const struct fetch_job *job, struct fetch_result *res, void *user)
{
    struct ingest_job_ctx *jc = user;
    struct ingest_run_state *run = jc->run;
    const struct store_source *src = &jc->sources->v[(size_t)job->user];
    struct ingest_source_report r;
    char msg[300];
    enum syn_status st;

    memset(&r, 0, sizeof(r));
    r.source = src;
    r.http_status = res->status;
    run->now = now_s();
    if (res->st != SYN_OK) {
        snprintf(msg, sizeof(msg), "%s",
                 res->error[0] ? res->error : syn_strerror(res->st));
        st = ingest_record_failure(run, src, res, SYN_OK, msg, &r);
    } else if (res->not_modified) {
        r.not_modified = true;
        st = ingest_record_not_modified(run, src, res);
    } else {
        st = ingest_record_body(run, src, res, &r, msg, sizeof(msg));
    }
    if (st != SYN_OK)
        return st;
    if (r.failed)
        run->stats->failed++;
    else if (r.not_modified)
        run->stats->not_modified++;
    else
        run->stats->fetched++;
    run->stats->new_items += r.new_items;
    run->stats->updated_items += r.updated_items;
    run->stats->duplicates += r.duplicates;
    if (run->opts->on_source != NULL)
        run->opts->on_source(run->opts->user, &r);
    return SYN_OK;
}

/* The sources to poll: *out (free with store_source_list_free) whose
 * first *n_poll entries are polled. */
static enum syn_status
ingest_select(struct syn_ctx *ctx, const struct ingest_opts *opts,
              int64_t now, struct store_source_list **out, size_t *n_poll,
              struct syn_err *err)
{
    struct store_source_list *list = NULL;
    struct store_source *one = NULL;
    enum syn_status st;
    size_t i, n = 0;

    if (opts->source_id != 0) {
        st = store_source_get(ctx->store, opts->source_id, &one, err);
        if (st != SYN_OK)
            return st;
        list = syn_calloc(1, sizeof(*list));
        if (list == NULL) {
            store_source_free(one);
            return syn_err_set(err, SYN_ENOMEM, "out of memory");
        }
        list->v = one; /* a heap struct is a one-element array */
        list->n = 1;
        *out = list;
        *n_poll = 1;
        return SYN_OK;
    }
    if (!opts->all) {
        st = store_source_due(ctx->store, now, 0, out, err);
        if (st == SYN_OK)
            *n_poll = (*out)->n;
        return st;
    }
    st = store_source_list(ctx->store, &list, err);
    if (st != SYN_OK)
        return st;
    for (i = 0; i < list->n; i++) {
        if (list->v[i].enabled) {
            struct store_source tmp = list->v[n];

            list->v[n++] = list->v[i];
            list->v[i] = tmp;
        }
    }
    /* Disabled sources, moved behind the first n, stay owned by the list
     * and are freed with it. */
    *out = list;
    *n_poll = n;
    return SYN_OK;
}

enum syn_status
ingest_run(struct syn_ctx *ctx, const struct ingest_opts *opts,
           struct ingest_stats *stats, struct syn_err *err)
{
    struct ingest_run_state run;
    struct ingest_job_ctx jc;
    struct store_source_list *sources = NULL;
    struct fetch_job *jobs = NULL;
    struct fetch_opts fopts;
    struct timespec t0, t1;
    char ua[256];
    enum syn_status st;
    size_t i, n = 0;

    memset(stats, 0, sizeof(*stats));
    (void)clock_gettime(CLOCK_MONOTONIC, &t0);
    if (sodium_init() < 0)
        return syn_err_set(err, SYN_EIO, "libsodium failed to initialize");
    run.ctx = ctx;
    run.opts = opts;
    run.stats = stats;
    run.err = err;
    run.now = now_s();
    memset(&run.cands, 0, sizeof(run.cands));
    st = ingest_select(ctx, opts, run.now, &sources, &n, err);
    if (st != SYN_OK)
        return st;
    if (n == 0)
        goto out;
    jobs = syn_calloc(n, sizeof(*jobs));
    if (jobs == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto out;
    }
    for (i = 0; i < n; i++) {
        jobs[i].url = sources->v[i].url;
        jobs[i].etag = sources->v[i].etag;
        jobs[i].last_modified = sources->v[i].last_modified;
        jobs[i].user = (void *)(uintptr_t)i;
    }
    memset(&fopts, 0, sizeof(fopts));
    fopts.max_total = (int)ctx->cfg.fetch_concurrency;
    fopts.max_per_host = (int)ctx->cfg.fetch_per_host;
    fopts.connect_timeout_ms = ctx->cfg.fetch_connect_timeout_s * 1000;
    fopts.timeout_ms = ctx->cfg.fetch_timeout_s * 1000;
    fopts.allow_private = ctx->cfg.fetch_allow_private;
    fopts.allow_file = ctx->cfg.fetch_allow_file;
    fopts.user_agent = ctx->cfg.fetch_user_agent != NULL
                           ? ctx->cfg.fetch_user_agent
                           : fetch_user_agent(ctx->cfg.site_base_url, ua,
                                              sizeof(ua));
    st = candidates_load(ctx, run.now, &run.cands, err);
    if (st != SYN_OK)
        goto out;
    jc.run = &run;
    jc.sources = sources;
    stats->sources = n;
    st = fetch_run(jobs, n, &fopts, ingest_done, &jc, err);
out:
    (void)clock_gettime(CLOCK_MONOTONIC, &t1);
    stats->seconds = (double)(t1.tv_sec - t0.tv_sec) +
                     (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    syn_free(jobs);
    candidates_fini(&run.cands);
    store_source_list_free(sources);
    return st;
}

static void
log_source(void *user, const struct ingest_source_report *r)
{
    struct syn_ctx *ctx = user;

    if (r->failed)
        log_warn(&ctx->log,
                 "fetch failed source=%lld status=%ld disabled=%d msg=\"%s\"",
                 (long long)r->source->id, r->http_status, r->disabled,
                 r->error != NULL ? r->error : "");
}

enum syn_status
ingest_worker_step(struct syn_ctx *ctx, void *arg, long *sleep_s,
                   struct syn_err *err)
{
    struct ingest_opts opts = {false, 0, log_source, ctx};
    struct ingest_stats stats;
    enum syn_status st;

    (void)arg;
    *sleep_s = INGEST_POLL_S;
    st = ingest_run(ctx, &opts, &stats, err);
    if (st == SYN_OK && stats.sources > 0)
        log_info(&ctx->log,
                 "fetch done sources=%zu fetched=%zu not_modified=%zu "
                 "failed=%zu new=%zu updated=%zu seconds=%.2f",
                 stats.sources, stats.fetched, stats.not_modified,
                 stats.failed, stats.new_items, stats.updated_items,
                 stats.seconds);
    return st;
}
