/* The ingest pipeline (see ingest.h). */
#include "app/ingest.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "app/normalize.h"
#include "app/worker.h"
#include "feed/fetch.h"
#include "feed/parse.h"
#include "store/store.h"
#include "util/ascii.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/simhash.h"
#include "util/simindex.h"
#include "util/str.h"
#include "util/url.h"
#include "util/url_canon.h"
#include "util/workq.h"

/* How far back near-duplicates are looked for: wire stories are re-run
 * within days, not months; 7 days of items is a few thousand rows. */
#define INGEST_CLUSTER_WINDOW_S (7 * 86400)
#define INGEST_CLUSTER_CANDIDATES 5000
/* An item's authors or categories as JSON: a byline list, not a page. */
#define INGEST_JSON_BYTES (64u * 1024)
/* Topics matched on one item by keyword rules. */
#define INGEST_MAX_TOPICS 32

/* Near-duplicate candidates: recent items' simhash and source, the
 * stored ones (newest first) then those added by this run, indexed. */
struct cluster_candidates {
    struct simindex *index;
};

struct ingest_run_state {
    struct syn_ctx *ctx;
    const struct ingest_opts *opts;
    struct ingest_stats *stats;
    struct syn_err *err;
    int64_t now;
    struct cluster_candidates cands;   /* recent items, loaded once per run */
    struct store_source_list *sources; /* owned by ingest_run */
    struct workq *queue;               /* parsing ahead of the store */
    size_t queue_cap;
    /* The group of answers being stored: one transaction, a savepoint
     * per feed (see group_done()). */
    bool group_open;
    size_t group_size;
    struct timespec group_start;
    struct app_worker *checkpointer; /* or NULL: see checkpoint_step() */
    atomic_size_t log_pages;         /* as the checkpointer last saw it */
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

        crypto_generichash_update(&st, (const unsigned char *)p, strlen(p) + 1);
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

            if (p[j] == '"' || p[j] == '\\') {
                st = buf_printf(b, "\\%c", p[j]);
            } else if (p[j] < 0x20) {
                st = buf_printf(b, "\\u%04x", p[j]);
            } else {
                st = buf_append_char(b, (char)p[j]);
            }
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
match_topics(const struct syn_config *cfg, const char *title, const char *text,
             struct buf *scratch, const char *slugs[INGEST_MAX_TOPICS])
{
    size_t i, j, n = 0;
    char *p;

    if (cfg->n_topics == 0)
        return 0;
    buf_reset(scratch);
    if (buf_append_str(scratch, title ? title : "") != SYN_OK ||
        buf_append_char(scratch, '\n') != SYN_OK ||
        buf_append_str(scratch, text ? text : "") != SYN_OK)
        return 0;
    for (p = scratch->data; *p != '\0'; p++) {
        *p = (char)ascii_tolower((unsigned char)*p);
    }
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

static void
candidates_fini(struct cluster_candidates *c)
{
    simindex_free(c->index);
    c->index = NULL;
}

/* The stored items of the last INGEST_CLUSTER_WINDOW_S, newest first, as
 * the first entries of the index: ties go to the newest stored item. */
static enum syn_status
candidates_load(struct syn_ctx *ctx, int64_t now, struct cluster_candidates *c,
                struct syn_err *err)
{
    struct store_item_list *list = NULL;
    enum syn_status st;
    size_t i;

    memset(c, 0, sizeof(*c));
    st = simindex_new((int)ctx->cfg.fetch_cluster_distance, &c->index, err);
    if (st != SYN_OK)
        return st;
    st = store_item_simhash_list(ctx->store, now - INGEST_CLUSTER_WINDOW_S,
                                 INGEST_CLUSTER_CANDIDATES, &list, err);
    for (i = 0; st == SYN_OK && i < list->n; i++) {
        const struct store_item *it = &list->v[i];

        if (it->simhash == 0)
            continue; /* no text: never a near-duplicate */
        st = simindex_add(c->index, it->simhash, it->id, it->source_id);
        if (st != SYN_OK) {
            st = syn_err_set(err, st, "cluster candidates: %s",
                             syn_strerror(st));
        }
    }
    store_item_list_free(list);
    if (st != SYN_OK) {
        candidates_fini(c);
    }
    return st;
}

/* One item of a fetched feed, made ready for the store by
 * ingest_prepare(): everything that needs no database. */
struct ingest_prep_item {
    struct feed_item *it;   /* in the prepared feed */
    const char *text;       /* plain text (feed arena), or "" */
    char *canonical;        /* owned; NULL: not a story, skipped */
    char hash[33];          /* content hash, hex */
    const char *authors;    /* JSON array (feed arena), or NULL */
    const char *categories; /* JSON array (feed arena), or NULL */
    uint64_t simhash;
    const char *topics[INGEST_MAX_TOPICS]; /* slugs, borrowed (config) */
    size_t n_topics;
    const char *fts_title; /* search entry, prepared (feed arena) */
    const char *fts_body;
};

/* Scratch buffers of one ingest_prepare(). */
struct prep_bufs {
    struct buf scratch;             /* topic matching */
    struct buf json;                /* authors, categories */
    struct buf fts_title, fts_body; /* search entry */
};

/* A parsed and cleaned feed, waiting for its store transaction. */
struct ingest_prep {
    struct feed *f;
    struct ingest_prep_item *items; /* n, document order */
    size_t n;
    struct fetch_hints hints; /* the feed's own update hints */
};

static void
prep_fini(struct ingest_prep *p)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        syn_free(p->items[i].canonical);
    }
    syn_free(p->items);
    feed_free(p->f);
    memset(p, 0, sizeof(*p));
}

/* JSON of s (see json_strings) copied into f's arena; NULL when empty.
 * NOTE: truncates, a list whose JSON passes b's limit (INGEST_JSON_BYTES)
 * is dropped, not stored cut. */
static enum syn_status
json_in_arena(struct feed *f, struct buf *b, const struct feed_strings *s,
              const char **out)
{
    const char *json = json_strings(b, s);

    *out = NULL;
    if (json == NULL)
        return SYN_OK;
    *out = arena_strndup(&f->arena, json, b->len);
    return *out != NULL ? SYN_OK : SYN_ENOMEM;
}

/* Make one cleaned item ready: canonical URL, content hash, JSON lists,
 * fingerprint and keyword topics. */
static enum syn_status
prepare_item(const struct syn_config *cfg, struct feed *f,
             struct ingest_prep_item *pi, struct prep_bufs *bufs,
             struct syn_err *err)
{
    const struct feed_item *it = pi->it;
    struct buf *scratch = &bufs->scratch;
    struct store_item view;
    enum syn_status st;

    if (it->url == NULL || !url_is_http(it->url))
        return SYN_OK; /* nothing to send readers to: "continue reading"
                          needs a link */
    st = url_canon(it->url, &pi->canonical, err);
    if (st == SYN_EINVAL) {
        pi->canonical = NULL;
        return SYN_OK; /* a link we cannot parse is not a story */
    }
    if (st != SYN_OK)
        return st;
    content_hash(it, pi->hash);
    st = json_in_arena(f, &bufs->json, &it->authors, &pi->authors);
    if (st == SYN_OK) {
        st = json_in_arena(f, &bufs->json, &it->categories, &pi->categories);
    }
    if (st != SYN_OK)
        return syn_err_set(err, st, "out of memory");
    /* Partners retitle a wire story more than they edit its body: the
     * fingerprint is of the text, or of the title when there is none. */
    if (pi->text[0] != '\0') {
        pi->simhash = simhash_text(pi->text, strlen(pi->text));
    } else if (it->title != NULL) {
        pi->simhash = simhash_text(it->title, strlen(it->title));
    }
    pi->n_topics = match_topics(cfg, it->title, pi->text, scratch, pi->topics);
    /* The search entry too: tokenizing is the store thread's job, not
     * preparing the text. */
    memset(&view, 0, sizeof(view));
    view.title = (char *)it->title;
    view.text = (char *)pi->text;
    view.excerpt_text = (char *)it->excerpt_text;
    buf_reset(&bufs->fts_title);
    buf_reset(&bufs->fts_body);
    st = store_item_fts_prepare(&view, &bufs->fts_title, &bufs->fts_body);
    if (st != SYN_OK)
        return syn_err_set(err, st, "preparing index text: %s",
                           syn_strerror(st));
    pi->fts_title = arena_strndup(&f->arena, buf_cstr(&bufs->fts_title),
                                  bufs->fts_title.len);
    pi->fts_body =
        arena_strndup(&f->arena, buf_cstr(&bufs->fts_body), bufs->fts_body.len);
    if (pi->fts_title == NULL || pi->fts_body == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    return SYN_OK;
}

/* Parse and clean a fetched document: the pure part of ingest_feed(),
 * safe on any thread (cfg is only read). On failure p is left empty. */
static enum syn_status
ingest_prepare(const struct syn_config *cfg, const struct ingest_fetch *fetched,
               struct ingest_prep *p, struct syn_err *err)
{
    struct feed_parse_opts popts = {fetched->url, fetched->http_charset};
    struct normalize_opts nopts = {(size_t)cfg->article_words,
                                   (size_t)cfg->excerpt_words};
    struct feed_item *it;
    struct prep_bufs bufs;
    enum syn_status st;
    size_t cap = 0;

    memset(p, 0, sizeof(*p));
    buf_init(&bufs.scratch, 4u * SYN_MAX_FIELD_BYTES);
    buf_init(&bufs.json, INGEST_JSON_BYTES);
    buf_init(&bufs.fts_title, SYN_MAX_INDEX_TEXT_BYTES);
    buf_init(&bufs.fts_body, SYN_MAX_INDEX_TEXT_BYTES);
    st = feed_parse(fetched->body, fetched->len, &popts, &p->f, err);
    if (st != SYN_OK)
        goto out;
    p->hints.ttl_min = p->f->ttl_min;
    if (p->f->update_period_s > 0) {
        p->hints.update_period_s =
            p->f->update_period_s /
            (p->f->update_frequency > 0 ? p->f->update_frequency : 1);
    }
    for (it = p->f->items; it != NULL; it = it->next) {
        cap++;
    }
    p->items = syn_calloc(cap > 0 ? cap : 1, sizeof(*p->items));
    if (p->items == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto out;
    }
    for (it = p->f->items; it != NULL; it = it->next) {
        struct ingest_prep_item *pi = &p->items[p->n++];

        pi->it = it;
        st = normalize_item(p->f, it, &nopts, &pi->text, err);
        if (st == SYN_OK) {
            st = prepare_item(cfg, p->f, pi, &bufs, err);
        }
        if (st != SYN_OK)
            goto out;
    }
out:
    buf_fini(&bufs.scratch);
    buf_fini(&bufs.json);
    buf_fini(&bufs.fts_title);
    buf_fini(&bufs.fts_body);
    if (st != SYN_OK) {
        prep_fini(p);
    }
    return st;
}

/* The store half of one feed, in the caller's transaction: cross-source
 * duplicates, one batched upsert, then topics and clusters of the new
 * items. Batching is safe: an item of this feed never is a cross-source
 * duplicate or a near-duplicate of another item of this feed. */
static enum syn_status
ingest_store_items(struct syn_ctx *ctx, const struct store_source *src,
                   const struct ingest_prep *p,
                   struct cluster_candidates *cands,
                   struct ingest_source_report *r, struct syn_err *err)
{
    struct store_item *in = NULL;
    enum store_upsert *res = NULL;
    int64_t *ids = NULL;
    size_t *which = NULL;
    size_t i, k = 0;
    enum syn_status st = SYN_OK;

    if (p->n == 0)
        return SYN_OK;
    in = syn_calloc(p->n, sizeof(*in));
    res = syn_calloc(p->n, sizeof(*res));
    ids = syn_calloc(p->n, sizeof(*ids));
    which = syn_calloc(p->n, sizeof(*which));
    if (in == NULL || res == NULL || ids == NULL || which == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto out;
    }
    for (i = 0; i < p->n; i++) {
        const struct ingest_prep_item *pi = &p->items[i];
        const struct feed_item *it = pi->it;
        struct store_item *dup = NULL;
        struct store_item *x = &in[k];

        if (pi->canonical == NULL)
            continue;
        st = store_item_find_by_canonical(ctx->store, pi->canonical, &dup, err);
        if (st == SYN_OK) {
            bool other = dup->source_id != src->id;

            store_item_free(dup);
            if (other) {
                r->duplicates++;
                continue;
            }
        } else if (st != SYN_ENOTFOUND) {
            goto out;
        }
        st = SYN_OK;
        x->source_id = src->id;
        x->guid = (char *)(it->id != NULL ? it->id : it->url);
        x->url = (char *)it->url;
        x->canonical_url = pi->canonical;
        x->title = (char *)it->title;
        x->authors = (char *)pi->authors;
        x->categories = (char *)pi->categories;
        x->published = it->published.known ? it->published.unix_s : 0;
        x->updated = it->updated.known ? it->updated.unix_s : 0;
        x->summary_html = (char *)it->summary_html;
        x->content_html = (char *)it->content_html;
        x->excerpt_html = (char *)it->excerpt_html;
        x->excerpt_text = (char *)it->excerpt_text;
        x->image = (char *)it->image;
        x->language = (char *)it->language;
        x->content_hash = (char *)pi->hash;
        x->text = (char *)pi->text;
        x->fts_title = (char *)pi->fts_title;
        x->fts_body = (char *)pi->fts_body;
        x->simhash = pi->simhash;
        which[k++] = i;
    }
    st = store_item_upsert_many(ctx->store, in, k, now_s(), res, ids, err);
    for (i = 0; st == SYN_OK && i < k; i++) {
        const struct ingest_prep_item *pi = &p->items[which[i]];
        int64_t near;

        if (res[i] == STORE_UNCHANGED)
            continue;
        if (res[i] == STORE_UPDATED) {
            r->updated_items++;
            continue;
        }
        r->new_items++;
        if (pi->n_topics > 0) {
            st = store_item_add_topics(ctx->store, ids[i], pi->topics,
                                       pi->n_topics, err);
            if (st != SYN_OK)
                break;
        }
        near = simindex_nearest(cands->index, pi->simhash, ids[i], src->id);
        if (near != 0) {
            st = store_cluster_assign(ctx->store, ids[i], near, now_s(), NULL,
                                      err);
            if (st != SYN_OK)
                break;
        }
        st = simindex_add(cands->index, pi->simhash, ids[i], src->id);
        if (st != SYN_OK) {
            st = syn_err_set(err, st, "cluster candidates: %s",
                             syn_strerror(st));
        }
    }
out:
    syn_free(in);
    syn_free(res);
    syn_free(ids);
    syn_free(which);
    return st;
}

/* The bookkeeping of one fetch (feed/fetch.h decides; the configuration
 * gives the policy). parse_st is SYN_OK when nothing was parsed. */
static void
decide(const struct syn_ctx *ctx, const struct fetch_result *res,
       enum syn_status parse_st, int prev_errors,
       const struct fetch_hints *hints, int64_t now, struct fetch_outcome *out)
{
    struct fetch_policy p;

    policy_from_config(&ctx->cfg, &p);
    fetch_outcome_decide(res, parse_st, prev_errors, &p, hints, (time_t)now,
                         randombytes_random(), out);
}

/* Store a prepared feed as the new content of src, in the caller's
 * transaction. On failure the candidates this feed added are dropped
 * again, as the caller rolls the transaction back. */
static enum syn_status
ingest_store_prep(struct syn_ctx *ctx, const struct store_source *src,
                  const struct ingest_fetch *fetched,
                  const struct ingest_prep *p, struct cluster_candidates *cands,
                  struct ingest_source_report *r, struct syn_err *err)
{
    size_t n_cands = simindex_count(cands->index);
    struct store_fetch_result state;
    struct fetch_outcome outcome;
    struct fetch_result res;
    enum syn_status st;

    st = ingest_store_items(ctx, src, p, cands, r, err);
    if (st != SYN_OK)
        goto out;
    memset(&state, 0, sizeof(state));
    state.status = (int)fetched->status;
    state.etag = fetched->etag;
    state.last_modified = fetched->last_modified;
    state.title = src->title == NULL ? p->f->title : NULL;
    state.site_url = p->f->link;
    state.fetched = fetched->now;
    memset(&res, 0, sizeof(res));
    res.st = SYN_OK;
    res.status = fetched->status;
    res.retry_after_s = -1;
    res.cache_max_age_s = fetched->cache_max_age_s;
    decide(ctx, &res, SYN_OK, src->errors, &p->hints, fetched->now, &outcome);
    state.next_fetch = outcome.next_fetch;
    st = store_source_update_fetch(ctx->store, src->id, &state, err);
out:
    if (st != SYN_OK) {
        simindex_truncate(cands->index, n_cands);
    }
    return st;
}

enum syn_status
ingest_feed(struct syn_ctx *ctx, const struct store_source *src,
            const struct ingest_fetch *fetched, struct ingest_source_report *r,
            struct syn_err *err)
{
    struct cluster_candidates cands;
    struct ingest_prep prep;
    enum syn_status st;

    memset(&prep, 0, sizeof(prep));
    st = candidates_load(ctx, fetched->now, &cands, err);
    if (st != SYN_OK)
        return st;
    st = ingest_prepare(&ctx->cfg, fetched, &prep, err);
    if (st == SYN_OK) {
        st = ingest_store_prep(ctx, src, fetched, &prep, &cands, r, err);
    }
    prep_fini(&prep);
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
    if (*p == '"') {
        p++;
    }
    while (p[n] != '\0' && p[n] != '"' && p[n] != ';' &&
           !ascii_isspace((unsigned char)p[n]) && n + 1 < cap) {
        out[n] = p[n];
        n++;
    }
    out[n] = '\0';
    return n > 0 ? out : NULL;
}

/* Record a failed fetch (res failed, or its body did not parse with
 * parse_st): back off, maybe disable. */
static enum syn_status
ingest_record_failure(struct ingest_run_state *run,
                      const struct store_source *src,
                      const struct fetch_result *res, enum syn_status parse_st,
                      const char *error, struct ingest_source_report *r)
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

/* One fetched answer on its way through the pipeline: created on the
 * fetch loop's thread, prepared (parsed and cleaned) by a worker, stored
 * by the calling thread in completion order. */
struct ingest_task {
    const struct syn_config *cfg; /* read-only while the run lasts */
    size_t source;                /* index into the run's sources */
    struct fetch_result res;      /* owns its strings (taken from the
                                     fetcher); body freed once parsed */
    int64_t now;                  /* when the answer arrived */
    bool parse;                   /* a body to parse: 2xx */
    struct ingest_fetch fetched;  /* views into res, for the parser */
    char charset[64];             /* charset= of the Content-Type */
    struct ingest_prep prep;      /* the worker's output ... */
    enum syn_status prep_st;      /* ... or why there is none */
    struct syn_err prep_err;
};

static void
task_free(struct ingest_task *t)
{
    if (t == NULL)
        return;
    prep_fini(&t->prep);
    fetch_result_fini(&t->res);
    syn_free(t);
}

/* workq_fn: the pure half, on a worker thread. */
static void
task_prepare(void *task, void *user)
{
    struct ingest_task *t = task;

    (void)user;
    if (!t->parse)
        return;
    syn_err_clear(&t->prep_err);
    t->prep_st = ingest_prepare(t->cfg, &t->fetched, &t->prep, &t->prep_err);
    /* The parsed feed owns copies of all it needs. */
    syn_free(t->res.body);
    t->res.body = NULL;
    t->fetched.body = NULL;
    t->fetched.len = 0;
}

/* One parsed-and-stored feed under one savepoint of the group's
 * transaction; on a bad document the savepoint is rolled back and the
 * source records a failure. */
static enum syn_status
ingest_record_body(struct ingest_run_state *run, const struct store_source *src,
                   struct ingest_task *t, struct ingest_source_report *r,
                   char *msg, size_t cap)
{
    const struct fetch_result *res = &t->res;
    size_t n_cands = simindex_count(run->cands.index);
    struct syn_err perr;
    enum syn_status st;

    syn_err_clear(&perr);
    st = store_savepoint(run->ctx->store, run->err);
    if (st != SYN_OK)
        return st;
    if (t->prep_st != SYN_OK) {
        st = t->prep_st;
        perr = t->prep_err;
    } else {
        st = ingest_store_prep(run->ctx, src, &t->fetched, &t->prep,
                               &run->cands, r, &perr);
    }
    if (st == SYN_OK && res->permanent_redirect && res->permanent_url != NULL) {
        st = store_source_set_url(run->ctx->store, src->id, res->permanent_url,
                                  &perr);
        if (st == SYN_EEXIST) {
            st = SYN_OK; /* another source already polls the new URL */
            syn_err_clear(&perr);
        }
    }
    if (st == SYN_OK) {
        st = store_release(run->ctx->store, run->err);
    }
    if (st == SYN_OK)
        return SYN_OK;
    SYN_IGNORE(store_rollback_to(run->ctx->store, NULL));
    simindex_truncate(run->cands.index, n_cands);
    r->new_items = r->updated_items = r->duplicates = 0;
    if (perr.code == SYN_OK)
        return st; /* the release failed: run->err says why */
    if (st != SYN_EPARSE && st != SYN_ETOOBIG && st != SYN_EINVAL) {
        *run->err = perr;
        return st;
    }
    snprintf(msg, cap, "not a readable feed: %s", perr.msg);
    return ingest_record_failure(run, src, res, st, msg, r);
}

static double
seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    (void)clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Open the group's transaction unless it is open. */
static enum syn_status
group_enter(struct ingest_run_state *run)
{
    enum syn_status st;

    if (run->group_open)
        return SYN_OK;
    st = store_begin(run->ctx->store, run->err);
    if (st != SYN_OK)
        return st;
    run->group_open = true;
    run->group_size = 0;
    (void)clock_gettime(CLOCK_MONOTONIC, &run->group_start);
    return SYN_OK;
}

/* Commit the group's transaction, if open. */
static enum syn_status
group_commit(struct ingest_run_state *run)
{
    enum syn_status st;

    if (!run->group_open)
        return SYN_OK;
    run->group_open = false;
    st = store_commit(run->ctx->store, run->err);
    if (st == SYN_OK &&
        atomic_load(&run->log_pages) >= SYN_INGEST_LOG_RESTART_PAGES) {
        /* Copy the little the checkpointer has not, now that no
         * transaction is open, so that the next one starts the log over. */
        st = store_checkpoint(run->ctx->store, NULL, run->err);
        atomic_store(&run->log_pages, 0);
    }
    app_worker_wake(run->checkpointer);
    return st;
}

/* app_worker_fn of a run's checkpointer (arg: the run's log_pages):
 * copy the log into the database file on a thread and connection of its
 * own, woken after each group's commit, so that the store thread does
 * not stop for it (page writes and a sync per checkpoint: a sixth of
 * that thread's time in a first fetch of 10,000 feeds). The log only
 * starts over when a transaction begins with all of it copied, which
 * the store thread, committing group after group, rarely leaves time
 * for: once the log passes SYN_INGEST_LOG_RESTART_PAGES, group_commit()
 * copies the rest itself between two transactions. */
static enum syn_status
checkpoint_step(struct syn_ctx *ctx, void *arg, long *sleep_s,
                struct syn_err *err)
{
    atomic_size_t *log_pages = arg;
    size_t n = 0;
    enum syn_status st;

    *sleep_s = 1;
    st = store_checkpoint(ctx->store, &n, err);
    if (st == SYN_OK) {
        atomic_store(log_pages, n);
    }
    return st;
}

/* One more answer stored in the group: commit when the group is full or
 * old. Answers are stored in groups because a commit costs more than a
 * feed's rows (the WAL frames of every page touched, index pages over
 * and over, and a search-index segment): while the store is the
 * bottleneck, answers queue up and groups fill; when it keeps up, the
 * queue empties and ingest_done() commits at once. A group stays whole
 * or absent after a crash, and so does each feed in it. */
static enum syn_status
group_done(struct ingest_run_state *run)
{
    if (++run->group_size >= SYN_INGEST_GROUP_FEEDS ||
        seconds_since(&run->group_start) * 1000 >= SYN_INGEST_GROUP_MS)
        return group_commit(run);
    return SYN_OK;
}

/* Record one answer in the store, count it and report it, on the
 * calling thread. */
static enum syn_status
ingest_finish(struct ingest_run_state *run, struct ingest_task *t)
{
    const struct store_source *src = &run->sources->v[t->source];
    struct fetch_result *res = &t->res;
    struct ingest_source_report r;
    char msg[300];
    enum syn_status st;

    memset(&r, 0, sizeof(r));
    r.source = src;
    r.http_status = res->status;
    run->now = t->now;
    st = group_enter(run);
    if (st != SYN_OK)
        return st;
    if (res->st != SYN_OK) {
        snprintf(msg, sizeof(msg), "%s",
                 res->error[0] ? res->error : syn_strerror(res->st));
        st = ingest_record_failure(run, src, res, SYN_OK, msg, &r);
    } else if (res->not_modified) {
        r.not_modified = true;
        st = ingest_record_not_modified(run, src, res);
    } else {
        st = ingest_record_body(run, src, t, &r, msg, sizeof(msg));
    }
    if (st != SYN_OK)
        return st;
    if (r.failed) {
        run->stats->failed++;
    } else if (r.not_modified) {
        run->stats->not_modified++;
    } else {
        run->stats->fetched++;
    }
    run->stats->new_items += r.new_items;
    run->stats->updated_items += r.updated_items;
    run->stats->duplicates += r.duplicates;
    if (run->opts->on_source != NULL) {
        run->opts->on_source(run->opts->user, &r);
    }
    return group_done(run);
}

/* Store the prepared answers at the head of the queue: all of them with
 * wait (the end of the run), else those already prepared. */
static enum syn_status
ingest_drain(struct ingest_run_state *run, bool wait)
{
    struct ingest_task *t;

    while ((t = workq_take(run->queue, wait)) != NULL) {
        enum syn_status st = ingest_finish(run, t);

        task_free(t);
        if (st != SYN_OK)
            return st;
    }
    return SYN_OK;
}

/* Take res out of the fetcher (fetch.h: a string set to NULL becomes
 * ours) into a new task. */
static struct ingest_task *
task_new(struct ingest_run_state *run, size_t source, struct fetch_result *res)
{
    const struct store_source *src = &run->sources->v[source];
    struct ingest_task *t = syn_calloc(1, sizeof(*t));

    if (t == NULL)
        return NULL;
    t->cfg = &run->ctx->cfg;
    t->source = source;
    t->res = *res;
    res->body = res->etag = res->last_modified = NULL;
    res->content_type = res->final_url = res->permanent_url = NULL;
    t->now = now_s();
    t->parse = res->st == SYN_OK && !res->not_modified;
    t->fetched.url = t->res.final_url != NULL ? t->res.final_url : src->url;
    t->fetched.body = t->res.body != NULL ? t->res.body : "";
    t->fetched.len = t->res.len;
    t->fetched.http_charset = content_type_charset(
        t->res.content_type, t->charset, sizeof(t->charset));
    t->fetched.status = t->res.status;
    t->fetched.etag = t->res.etag;
    t->fetched.last_modified = t->res.last_modified;
    t->fetched.cache_max_age_s = t->res.cache_max_age_s;
    t->fetched.now = t->now;
    return t;
}

/* fetch_done_fn: queue the answer for a worker; store what is ready. When
 * the queue is full, the oldest answer is stored first (waiting for its
 * worker), which bounds memory and holds the fetch loop back while the
 * store is the bottleneck. */
static enum syn_status
ingest_done(const struct fetch_job *job, struct fetch_result *res, void *user)
{
    struct ingest_run_state *run = user;
    struct ingest_task *t;
    enum syn_status st = SYN_OK;

    t = task_new(run, (size_t)(uintptr_t)job->user, res);
    if (t == NULL)
        return syn_err_set(run->err, SYN_ENOMEM, "out of memory");
    while (st == SYN_OK && workq_pending(run->queue) >= run->queue_cap) {
        struct ingest_task *old = workq_take(run->queue, true);

        st = ingest_finish(run, old);
        task_free(old);
    }
    if (st == SYN_OK && workq_submit(run->queue, t) != SYN_OK) {
        st = syn_err_set(run->err, SYN_EINVAL, "ingest: queue full");
    }
    if (st != SYN_OK) {
        task_free(t);
        return st;
    }
    st = ingest_drain(run, false);
    if (st == SYN_OK && workq_pending(run->queue) == 0) {
        st = group_commit(run); /* the store keeps up: no need to wait */
    }
    return st;
}

/* Back to the store's usual settings after a run: its page cache, and
 * its own checkpoints when a checkpointer did them. Returns st, else the
 * first failure. */
static enum syn_status
store_settings_restore(struct syn_ctx *ctx, bool autocheckpoint,
                       enum syn_status st, struct syn_err *err)
{
    struct syn_err *e = st == SYN_OK ? err : NULL;
    enum syn_status a = SYN_OK, b;

    if (autocheckpoint) {
        a = store_set_autocheckpoint(ctx->store, true, e);
    }
    b = store_set_cache_size(ctx->store, STORE_CACHE_BYTES,
                             a == SYN_OK ? e : NULL);
    if (st != SYN_OK)
        return st;
    return a != SYN_OK ? a : b;
}

/* The sources to poll: *out (free with store_source_list_free) whose
 * first *n_poll entries are polled. */
static enum syn_status
ingest_select(struct syn_ctx *ctx, const struct ingest_opts *opts, int64_t now,
              struct store_source_list **out, size_t *n_poll,
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
        if (st == SYN_OK) {
            *n_poll = (*out)->n;
        }
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

/* Worker threads for a run: [fetch] workers, or one per online CPU. */
static size_t
ingest_workers(const struct syn_config *cfg)
{
    long n = cfg->fetch_workers;

    if (n <= 0) {
        n = sysconf(_SC_NPROCESSORS_ONLN);
    }
    if (n < 1) {
        n = 1;
    }
    return n > SYN_MAX_INGEST_WORKERS ? SYN_MAX_INGEST_WORKERS : (size_t)n;
}

enum syn_status
ingest_run(struct syn_ctx *ctx, const struct ingest_opts *opts,
           struct ingest_stats *stats, struct syn_err *err)
{
    struct ingest_run_state run;
    struct store_source_list *sources = NULL;
    struct fetch_job *jobs = NULL;
    struct fetch_opts fopts;
    struct timespec t0;
    char ua[256];
    enum syn_status st;
    size_t i, n = 0, workers;

    memset(stats, 0, sizeof(*stats));
    (void)clock_gettime(CLOCK_MONOTONIC, &t0);
    if (sodium_init() < 0)
        return syn_err_set(err, SYN_EIO, "libsodium failed to initialize");
    memset(&run, 0, sizeof(run));
    atomic_init(&run.log_pages, 0);
    run.ctx = ctx;
    run.opts = opts;
    run.stats = stats;
    run.err = err;
    run.now = now_s();
    st = ingest_select(ctx, opts, run.now, &sources, &n, err);
    if (st != SYN_OK)
        return st;
    run.sources = sources;
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
    fopts.user_agent =
        ctx->cfg.fetch_user_agent != NULL
            ? ctx->cfg.fetch_user_agent
            : fetch_user_agent(ctx->cfg.site_base_url, ua, sizeof(ua));
    st = candidates_load(ctx, run.now, &run.cands, err);
    if (st != SYN_OK)
        goto out;
    /* One source needs no thread: parse it inline (workq's 0 workers). */
    workers = n > 1 ? ingest_workers(&ctx->cfg) : 0;
    if (workers > 0) {
        feed_parse_global_init();
    }
    run.queue_cap = (workers > 0 ? workers : 1) * SYN_INGEST_QUEUE_PER_WORKER;
    st = workq_new(workers, run.queue_cap, task_prepare, NULL, &run.queue, err);
    if (st == SYN_EIO) /* no thread could start: parse inline */
        st = workq_new(0, run.queue_cap, task_prepare, NULL, &run.queue, err);
    if (st != SYN_OK)
        goto out;
    stats->sources = n;
    st = store_set_cache_size(ctx->store, SYN_INGEST_CACHE_BYTES, err);
    if (st != SYN_OK)
        goto out;
    /* Many feeds: checkpoints on a thread of their own. Without one (no
     * thread, or a store that is not a file), this connection does them
     * as usual. */
    if (workers > 0 &&
        app_worker_start(ctx, "checkpoint", checkpoint_step, &run.log_pages,
                         &run.checkpointer, NULL) == SYN_OK &&
        store_set_autocheckpoint(ctx->store, false, NULL) != SYN_OK) {
        app_worker_stop(run.checkpointer);
        run.checkpointer = NULL;
    }
    st = fetch_run(jobs, n, &fopts, ingest_done, &run, err);
    if (st == SYN_OK) {
        st = ingest_drain(&run, true);
    }
    if (st == SYN_OK) {
        st = group_commit(&run);
    }
    if (run.group_open) {
        /* After a failure: the group's answers are not kept. */
        SYN_IGNORE(store_rollback(ctx->store, NULL));
    }
    app_worker_stop(run.checkpointer);
    st = store_settings_restore(ctx, run.checkpointer != NULL, st, err);
out:
    if (run.queue != NULL) {
        struct ingest_task *t;

        /* After a failure: answers not stored are dropped. */
        while ((t = workq_take(run.queue, true)) != NULL) {
            task_free(t);
        }
        workq_free(run.queue);
    }
    stats->seconds = seconds_since(&t0);
    syn_free(jobs);
    candidates_fini(&run.cands);
    store_source_list_free(sources);
    return st;
}

static void
log_source(void *user, const struct ingest_source_report *r)
{
    struct syn_ctx *ctx = user;

    if (r->failed) {
        log_warn(&ctx->log,
                 "fetch failed source=%lld status=%ld disabled=%d msg=\"%s\"",
                 (long long)r->source->id, r->http_status, r->disabled,
                 r->error != NULL ? r->error : "");
    }
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
    if (st == SYN_OK && stats.sources > 0) {
        log_info(&ctx->log,
                 "fetch done sources=%zu fetched=%zu not_modified=%zu "
                 "failed=%zu new=%zu updated=%zu seconds=%.2f",
                 stats.sources, stats.fetched, stats.not_modified, stats.failed,
                 stats.new_items, stats.updated_items, stats.seconds);
    }
    return st;
}
