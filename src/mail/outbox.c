/* Outbox: digest creation and the sender loop (see outbox.h). */
#include "mail/outbox.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail/mime.h"
#include "util/arena.h"
#include "util/ascii.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"

/* Candidate stories loaded for one digest run: newest first. A run that
 * finds more only sends the newest (SYN_MAX_DIGEST_STORIES per mail). */
#define OUTBOX_MAX_CANDIDATES 2000
/* Topics per item or per subscriber that take part in matching. */
#define OUTBOX_MAX_TOPICS 32
/* The window of a queued digest, kept in its row's subject (the body is
 * composed when it is sent): "[since,until]" in unix seconds. */
#define WINDOW_FMT "[%" PRId64 ",%" PRId64 "]"
/* Same rule as the article route's slug (web/view.c web_slug). */
#define SLUG_MAX 80

int64_t
outbox_period_seconds(enum store_frequency f)
{
    switch (f) {
    case STORE_FREQ_WEEKLY:
        return 7 * 86400;
    case STORE_FREQ_DAILY:
        return 86400;
    default:
        return 3600; /* instant: the first one covers the last hour */
    }
}

void
outbox_period_key(enum store_frequency f, int64_t now, char out[24])
{
    time_t t = (time_t)now;
    struct tm tm;
    const char *fmt = f == STORE_FREQ_WEEKLY  ? "%G-W%V"
                      : f == STORE_FREQ_DAILY ? "%Y-%m-%d"
                                              : "%Y-%m-%dT%H:%M";

    if (gmtime_r(&t, &tm) == NULL || strftime(out, 24, fmt, &tm) == 0) {
        snprintf(out, 24, "t%" PRId64, now);
    }
}

bool
outbox_digest_due(enum store_frequency f, int64_t now, int daily_hour,
                  int weekly_day)
{
    time_t t = (time_t)now;
    struct tm tm;

    if (f == STORE_FREQ_INSTANT)
        return true;
    if (gmtime_r(&t, &tm) == NULL || tm.tm_hour < daily_hour)
        return false;
    return f == STORE_FREQ_DAILY || tm.tm_wday == weekly_day;
}

int64_t
outbox_backoff(int attempts, int max_attempts)
{
    int64_t d = OUTBOX_BACKOFF_S;
    int i;

    if (attempts >= max_attempts)
        return 0;
    for (i = 1; i < attempts && d < OUTBOX_MAX_BACKOFF_S; i++) {
        d *= 2;
    }
    return d < OUTBOX_MAX_BACKOFF_S ? d : OUTBOX_MAX_BACKOFF_S;
}

/* ------------------------------------------------------------------ */
/* Candidate stories                                                   */
/* ------------------------------------------------------------------ */

struct topics {
    struct str v[OUTBOX_MAX_TOPICS];
    size_t n;
};

struct cand {
    const struct store_item *it;
    struct digest_story story;
    struct topics topics;
};

struct cands {
    struct store_item_list **pages; /* owned */
    size_t n_pages;
    struct cand *v; /* owned */
    size_t n;
    struct arena arena; /* article URLs */
};

/* Split a comma-separated slug list. NOTE: truncates, OUTBOX_MAX_TOPICS. */
static void
topics_split(const char *s, struct topics *t)
{
    t->n = 0;
    while (s != NULL && *s != '\0' && t->n < OUTBOX_MAX_TOPICS) {
        const char *c = strchr(s, ',');
        struct str one;

        one.p = s;
        one.len = c != NULL ? (size_t)(c - s) : strlen(s);
        one = str_trim(one);
        if (one.len > 0) {
            t->v[t->n++] = one;
        }
        s = c != NULL ? c + 1 : NULL;
    }
}

static bool
topics_meet(const struct topics *want, const struct topics *have)
{
    size_t i, j;

    if (want->n == 0)
        return true; /* none chosen = all */
    for (i = 0; i < want->n; i++) {
        for (j = 0; j < have->n; j++) {
            if (str_eq(want->v[i], have->v[j]))
                return true;
        }
    }
    return false;
}

static char *
article_url(struct arena *a, const char *base, const struct store_item *it)
{
    char slug[SLUG_MAX + 1], url[SYN_MAX_URL_BYTES];
    const char *p = it->title;
    size_t n = 0;
    bool dash = false;

    for (; p != NULL && *p != '\0' && n < SLUG_MAX; p++) {
        unsigned char c = (unsigned char)*p;

        if (ascii_isalnum(c)) {
            if (dash && n > 0 && n < SLUG_MAX - 1) {
                slug[n++] = '-';
            }
            dash = false;
            slug[n++] = (char)ascii_tolower(c);
        } else if (c != '\'') {
            dash = true;
        }
    }
    while (n > 0 && slug[n - 1] == '-') {
        n--;
    }
    slug[n] = '\0';
    snprintf(url, sizeof(url), "%s/a/%" PRId64 "/%s", base, it->id,
             n > 0 ? slug : "story");
    return arena_strdup(a, url);
}

static void
cands_fini(struct cands *c)
{
    size_t i;

    for (i = 0; i < c->n_pages; i++) {
        store_item_list_free(c->pages[i]);
    }
    syn_free(c->pages);
    syn_free(c->v);
    arena_fini(&c->arena);
    memset(c, 0, sizeof(*c));
}

/* Items ingested after since, newest first, as digest stories. */
static enum syn_status
cands_load(struct store *s, const char *base_url, int64_t since,
           struct cands *c, struct syn_err *err)
{
    struct store_item_query q;
    enum syn_status st = SYN_OK;

    memset(c, 0, sizeof(*c));
    arena_init(&c->arena, 16384, 0);
    memset(&q, 0, sizeof(q));
    q.since = since;
    q.limit = STORE_MAX_PAGE;
    while (st == SYN_OK && c->n < OUTBOX_MAX_CANDIDATES) {
        struct store_item_list *page = NULL, **pages;
        struct cand *v;
        size_t i;

        st = store_item_page(s, &q, &page, err);
        if (st != SYN_OK)
            break;
        pages = syn_realloc(c->pages, (c->n_pages + 1) * sizeof(*pages));
        v = pages == NULL ? NULL
                          : syn_realloc(c->v, (c->n + page->n + 1) * sizeof(*v));
        if (pages != NULL) {
            c->pages = pages;
        }
        if (v != NULL) {
            c->v = v;
        }
        if (pages == NULL || v == NULL) {
            store_item_list_free(page);
            st = syn_err_set(err, SYN_ENOMEM, "digest: out of memory");
            break;
        }
        c->pages[c->n_pages++] = page;
        for (i = 0; i < page->n && c->n < OUTBOX_MAX_CANDIDATES; i++) {
            const struct store_item *it = &page->v[i];
            struct cand *k = &c->v[c->n];

            memset(k, 0, sizeof(*k));
            k->it = it;
            k->story.title = it->title != NULL && *it->title ? it->title
                                                             : "(untitled)";
            k->story.article_url = article_url(&c->arena, base_url, it);
            k->story.source_url = it->url;
            k->story.source_name = it->source_title;
            k->story.excerpt_html = it->excerpt_html;
            k->story.excerpt_text = it->excerpt_text;
            k->story.published = it->published;
            if (k->story.article_url == NULL) {
                st = syn_err_set(err, SYN_ENOMEM, "digest: out of memory");
                break;
            }
            topics_split(it->topics, &k->topics);
            c->n++;
        }
        if (!page->more)
            break;
        q.before_time = page->next_time;
        q.before_id = page->next_id;
    }
    if (st != SYN_OK) {
        cands_fini(c);
    }
    return st;
}

/* The window of sub's next digest of f at now: (since, now], since = its
 * last digest, or one period back for a first digest, never more than
 * OUTBOX_MAX_LOOKBACK periods back. */
static int64_t
window_since(const struct store_subscriber *sub, enum store_frequency f,
             int64_t now)
{
    int64_t since = sub->last_digest[f];
    int64_t floor = now - OUTBOX_MAX_LOOKBACK * outbox_period_seconds(f);

    if (since <= 0) {
        since = now - outbox_period_seconds(f);
    }
    return since < floor ? floor : since;
}

/* The stories ingested in (since, until] in one of topics (comma-separated
 * slugs, "" or NULL = all), newest first. Returns how many were put in out. */
static size_t
pick_stories(const struct cands *c, const char *topics, int64_t since,
             int64_t until, struct digest_story out[SYN_MAX_DIGEST_STORIES])
{
    struct topics want;
    size_t i, n = 0;

    topics_split(topics, &want);
    for (i = 0; i < c->n && n < SYN_MAX_DIGEST_STORIES; i++) {
        const struct cand *k = &c->v[i];

        if (k->it->ingested <= since || k->it->ingested > until)
            continue;
        if (!topics_meet(&want, &k->topics))
            continue;
        out[n++] = k->story;
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Digest creation                                                     */
/* ------------------------------------------------------------------ */

static enum syn_status
compose_for(struct digest_cache *cache, const struct mail_identity *id,
            const struct store_subscriber *sub, enum store_frequency f,
            const struct digest_story *stories, size_t n, int64_t now,
            struct buf *msg, struct syn_err *err)
{
    struct mail_recipient r;

    r.id = sub->id;
    r.email = sub->email;
    r.name = sub->name;
    buf_reset(msg);
    return digest_compose_cached(cache, id, &r, store_frequency_name(f),
                                 stories, n, now, msg, err);
}

static enum syn_status
confirmed_of(struct store *s, enum store_frequency f,
             struct store_subscriber_list **subs, struct syn_err *err)
{
    struct store_subscriber_query q;

    q.status = STORE_SUB_CONFIRMED;
    q.frequency = (int)f;
    return store_subscriber_list(s, &q, subs, err);
}

enum syn_status
outbox_digest_create(struct store *s, const struct mail_identity *id,
                     enum store_frequency f, int64_t now, bool dry_run,
                     struct outbox_digest_stats *stats, struct syn_err *err)
{
    struct digest_story stories[SYN_MAX_DIGEST_STORIES];
    struct store_subscriber_list *subs = NULL;
    struct digest_cache *cache = NULL;
    struct cands c;
    struct buf msg;
    bool in_tx = false, have_cands = false;
    enum syn_status st;
    size_t i;

    memset(stats, 0, sizeof(*stats));
    outbox_period_key(f, now, stats->period);
    buf_init(&msg, SYN_MAX_MESSAGE_BYTES);
    st = store_begin(s, err);
    in_tx = st == SYN_OK;
    if (st == SYN_OK) {
        st = store_digest_record(s, f, stats->period, now, err);
        if (st == SYN_EEXIST) {
            stats->already = true;
            st = SYN_OK;
            goto out;
        }
    }
    if (st == SYN_OK) {
        st = confirmed_of(s, f, &subs, err);
    }
    if (st == SYN_OK && dry_run && (cache = digest_cache_new()) == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "digest: out of memory");
    }
    if (st == SYN_OK) {
        st = cands_load(s, id->base_url,
                        now - OUTBOX_MAX_LOOKBACK * outbox_period_seconds(f),
                        &c, err);
    }
    have_cands = st == SYN_OK;
    if (have_cands) {
        stats->stories = c.n;
    }
    for (i = 0; st == SYN_OK && i < subs->n; i++) {
        const struct store_subscriber *sub = &subs->v[i];
        int64_t since = window_since(sub, f, now);
        size_t n = pick_stories(&c, sub->topics, since, now, stories);
        struct store_mail row;
        char key[96], subject[128];

        stats->subscribers++;
        if (n == 0) {
            stats->empty++; /* never an empty digest */
            continue;
        }
        /* Composing here is only a check (the first one: configuration
         * and data are fine before 100,000 rows are written) or the point
         * of a dry run; the sender composes each digest when it sends. */
        if (dry_run || stats->queued == 0) {
            st = compose_for(cache, id, sub, f, stories, n, now, &msg, err);
            if (st != SYN_OK)
                break;
            stats->bytes += msg.len;
        }
        stats->queued++;
        if (dry_run)
            continue;
        snprintf(key, sizeof(key), "digest:%s:%s:%" PRId64,
                 store_frequency_name(f), stats->period, sub->id);
        snprintf(subject, sizeof(subject), "%s digest %s " WINDOW_FMT,
                 store_frequency_name(f), stats->period, since, now);
        memset(&row, 0, sizeof(row));
        row.kind = STORE_MAIL_DIGEST;
        row.dedupe_key = key;
        row.recipient = sub->email;
        row.subject = subject;
        row.body = (char *)"";
        st = store_outbox_enqueue(s, &row, now, NULL, NULL, err);
        if (st == SYN_OK) {
            st = store_subscriber_set_last_digest(s, sub->id, f, now, err);
        }
    }
out:
    if (in_tx) {
        /* An instant run with nothing to send leaves no trace: otherwise
         * the serve worker would record a period every minute. */
        bool keep = !(f == STORE_FREQ_INSTANT && stats->queued == 0);

        if (st == SYN_OK && !dry_run && !stats->already && keep) {
            st = store_commit(s, err);
        } else {
            SYN_IGNORE(store_rollback(s, NULL));
        }
    }
    if (have_cands) {
        cands_fini(&c);
    }
    digest_cache_free(cache);
    store_subscriber_list_free(subs);
    buf_fini(&msg);
    return st;
}

enum syn_status
outbox_digest_preview(struct store *s, const struct mail_identity *id,
                      enum store_frequency f, int64_t now, const char *email,
                      struct buf *out, size_t *n_stories, struct syn_err *err)
{
    struct digest_story stories[SYN_MAX_DIGEST_STORIES];
    struct store_subscriber_list *subs = NULL;
    struct store_subscriber *one = NULL;
    struct cands c;
    enum syn_status st;
    size_t i, n = 0;

    st = cands_load(s, id->base_url,
                    now - OUTBOX_MAX_LOOKBACK * outbox_period_seconds(f), &c,
                    err);
    if (st != SYN_OK)
        return st;
    if (email != NULL) {
        st = store_subscriber_get_by_email(s, email, &one, err);
        if (st == SYN_OK) {
            n = pick_stories(&c, one->topics, window_since(one, f, now), now,
                             stories);
            if (n > 0) {
                st = compose_for(NULL, id, one, f, stories, n, now, out, err);
            }
        }
    } else {
        st = confirmed_of(s, f, &subs, err);
        for (i = 0; st == SYN_OK && i < subs->n; i++) {
            n = pick_stories(&c, subs->v[i].topics,
                             window_since(&subs->v[i], f, now), now, stories);
            if (n > 0) {
                st = compose_for(NULL, id, &subs->v[i], f, stories, n, now,
                                 out, err);
                break;
            }
        }
    }
    if (st == SYN_OK && n == 0) {
        st = syn_err_set(err, SYN_ENOTFOUND,
                         "no subscriber with new stories for this digest");
    }
    if (st == SYN_OK && n_stories != NULL) {
        *n_stories = n;
    }
    store_subscriber_free(one);
    store_subscriber_list_free(subs);
    cands_fini(&c);
    return st;
}

/* ------------------------------------------------------------------ */
/* Sending                                                             */
/* ------------------------------------------------------------------ */

/* A claimed row on its way: composed ahead (READY) while the connections
 * wait, handed to the SMTP client, then done (sent, failed, given up). */
enum pending_state {
    ROW_CLAIMED = 0,
    ROW_READY,
    ROW_HANDED,
    ROW_DONE,
};

struct batch;

struct pending {
    struct batch *b; /* the batch it belongs to */
    size_t i;        /* its row in b->list */
    struct buf body; /* composed at send time (empty: the row's body) */
    enum pending_state state;
};

struct batch {
    struct store_mail_list *list; /* owned */
    struct pending *p;            /* one per row of list */
    size_t composed;              /* rows [0, composed) composed or given up */
    size_t handed; /* rows [0, handed) past next(); <= composed */
    size_t done;   /* rows finished */
    struct batch *next;
};

struct sender {
    struct store *s;
    const struct outbox_send_options *o;
    int64_t now;
    struct outbox_send_stats *stats;
    struct batch *head, *tail; /* batches with rows not yet done */
    size_t claimed;            /* rows claimed by this run */
    size_t ready;              /* rows composed and not yet handed */
    size_t ahead;              /* how many to keep ready */
    char from_addr[SYN_MAX_EMAIL_BYTES + 1];
    bool drained;       /* the store had nothing more due */
    bool in_tx;         /* a round's work is being recorded */
    bool stop;          /* the server is unreachable: claim nothing more */
    struct cands cache; /* stories for digests composed at send time */
    struct digest_cache *dcache; /* their bodies, by story set */
    bool have_cache;
    enum store_frequency cache_f;
    int64_t cache_until;
    struct syn_err err;
};

static void
batch_free(struct batch *b)
{
    size_t i;

    if (b == NULL)
        return;
    for (i = 0; b->p != NULL && i < b->list->n; i++) {
        buf_fini(&b->p[i].body);
    }
    syn_free(b->p);
    store_mail_list_free(b->list);
    syn_free(b);
}

/* Parse "...inquiry:<id>..." from a dedupe key; 0 when absent. */
static int64_t
key_inquiry(const char *key)
{
    const char *p = strstr(key, "inquiry:");
    long v = 0;
    char digits[24];
    size_t n = 0;

    if (p == NULL)
        return 0;
    for (p += 8; ascii_isdigit(*p) && n + 1 < sizeof(digits); p++) {
        digits[n++] = *p;
    }
    digits[n] = '\0';
    if (str_to_long(digits, 1, 0x7fffffffL, &v) != SYN_OK)
        return 0;
    return v;
}

static enum syn_status
compose_inquiry(struct sender *sd, const struct store_mail *row,
                struct buf *out, struct syn_err *err)
{
    const struct mail_identity *id = sd->o->id;
    struct store_inquiry *inq = NULL;
    struct notice_view v;
    struct mail_recipient r;
    struct buf body, subject;
    enum syn_status st;
    bool ack = row->kind == STORE_MAIL_ACK;

    st = store_inquiry_get(sd->s, key_inquiry(row->dedupe_key), &inq, err);
    if (st != SYN_OK)
        return st;
    buf_init(&body, SYN_MAX_MESSAGE_BYTES);
    buf_init(&subject, SYN_MAX_HEADER_VALUE);
    if (ack) {
        st = buf_printf(&body,
                        "Thank you for your interest in building a "
                        "partnership with %s.\n\nWe have received your "
                        "message on behalf of %s and will reply soon.\n\n"
                        "Your message:\n\n%s",
                        id->site_title, inq->organization, inq->message);
    } else {
        st = buf_printf(&body,
                        "Organization: %s\nName: %s\nEmail: %s\nWebsite: %s\n"
                        "Country: %s\nKind: %s\n\n%s",
                        inq->organization, inq->name, inq->email,
                        inq->website != NULL ? inq->website : "-",
                        inq->country != NULL ? inq->country : "-", inq->kind,
                        inq->message);
    }
    /* Subjects are headers: the organization is user input, and a line
     * break in it is turned into a space rather than refused. */
    if (st == SYN_OK) {
        st = ack ? buf_printf(&subject, "%s: we received your message",
                              id->site_title)
                 : buf_printf(&subject, "New partnership inquiry: %s",
                              inq->organization);
    }
    if (st == SYN_OK) {
        size_t i;

        for (i = 0; i < subject.len; i++) {
            if (ascii_iscntrl(subject.data[i])) {
                subject.data[i] = ' ';
            }
        }
        memset(&v, 0, sizeof(v));
        v.site_title = id->site_title;
        v.site_url = id->base_url;
        v.heading = ack ? "We received your message"
                        : "New partnership inquiry";
        v.body = buf_cstr(&body);
        /* The team answers the inquirer directly. */
        v.reply_to = ack ? NULL : inq->email;
        r.id = 0;
        r.email = row->recipient;
        r.name = ack ? inq->name : NULL;
        st = digest_compose_notice(id, &r, buf_cstr(&subject), &v, sd->now,
                                   out, err);
    }
    buf_fini(&body);
    buf_fini(&subject);
    store_inquiry_free(inq);
    return st;
}

/* "[since,until]" in a digest row's subject. */
static bool
parse_window(const char *subject, int64_t *since, int64_t *until)
{
    const char *p = strchr(subject, '[');
    char *end = NULL;
    long long a, b;

    if (p == NULL)
        return false;
    errno = 0;
    a = strtoll(p + 1, &end, 10);
    if (errno != 0 || end == p + 1 || *end != ',')
        return false;
    p = end + 1;
    b = strtoll(p, &end, 10);
    if (errno != 0 || end == p || *end != ']' || b < a)
        return false;
    *since = (int64_t)a;
    *until = (int64_t)b;
    return true;
}

/* A digest row: the subscriber's stories in the row's window, composed
 * now. Refused (and so never sent) when the address is no longer a
 * confirmed subscriber or nothing is left to send. */
static enum syn_status
compose_digest_late(struct sender *sd, const struct store_mail *row,
                    struct buf *out, struct syn_err *err)
{
    struct digest_story stories[SYN_MAX_DIGEST_STORIES];
    struct store_subscriber *sub = NULL;
    enum store_frequency f;
    char fname[16];
    const char *p = row->dedupe_key + 7, *colon;
    int64_t since = 0, until = 0;
    enum syn_status st;
    size_t n;

    colon = strncmp(row->dedupe_key, "digest:", 7) == 0 ? strchr(p, ':')
                                                         : NULL;
    if (colon == NULL || (size_t)(colon - p) >= sizeof(fname) ||
        !parse_window(row->subject, &since, &until))
        return syn_err_set(err, SYN_EINVAL, "malformed digest row");
    memcpy(fname, p, (size_t)(colon - p));
    fname[colon - p] = '\0';
    if (store_frequency_parse(fname, &f) != SYN_OK)
        return syn_err_set(err, SYN_EINVAL, "malformed digest row");
    st = store_subscriber_get_by_email(sd->s, row->recipient, &sub, err);
    if (st != SYN_OK)
        return st;
    if (sub->status != STORE_SUB_CONFIRMED) {
        st = syn_err_set(err, SYN_EDENIED, "no longer subscribed (%s)",
                         store_sub_status_name(sub->status));
        goto out;
    }
    if (!sd->have_cache || sd->cache_f != f || sd->cache_until != until) {
        if (sd->have_cache) {
            cands_fini(&sd->cache);
        }
        sd->have_cache = false;
        digest_cache_reset(sd->dcache); /* its stories are gone */
        st = cands_load(sd->s, sd->o->id->base_url,
                        until - OUTBOX_MAX_LOOKBACK * outbox_period_seconds(f),
                        &sd->cache, err);
        if (st != SYN_OK)
            goto out;
        sd->have_cache = true;
        sd->cache_f = f;
        sd->cache_until = until;
    }
    n = pick_stories(&sd->cache, sub->topics, since, until, stories);
    if (n == 0) {
        st = syn_err_set(err, SYN_ENOTFOUND, "nothing left to send");
        goto out;
    }
    st = compose_for(sd->dcache, sd->o->id, sub, f, stories, n, sd->now,
                     out, err);
out:
    store_subscriber_free(sub);
    return st;
}

/* A row queued with an empty body: compose it now (see outbox.h). */
static enum syn_status
compose_late(struct sender *sd, const struct store_mail *row, struct buf *out,
             struct syn_err *err)
{
    struct store_subscriber *sub = NULL;
    struct mail_recipient r;
    enum syn_status st;

    if (sd->o->id == NULL)
        return syn_err_set(err, SYN_EINVAL, "no identity to compose mail");
    switch (row->kind) {
    case STORE_MAIL_CONFIRM:
        st = store_subscriber_get_by_email(sd->s, row->recipient, &sub, err);
        if (st != SYN_OK)
            return st;
        r.id = sub->id;
        r.email = sub->email;
        r.name = sub->name;
        if (sub->status == STORE_SUB_CONFIRMED) {
            st = digest_compose_already(sd->o->id, &r, sd->now, out, err);
        } else if (sub->status == STORE_SUB_PENDING) {
            st = digest_compose_confirm(sd->o->id, &r, sd->now, out, err);
        } else /* unsubscribed or bouncing since it was queued */
            st = syn_err_set(err, SYN_EDENIED, "not pending (%s)",
                             store_sub_status_name(sub->status));
        store_subscriber_free(sub);
        return st;
    case STORE_MAIL_ACK:
    case STORE_MAIL_NOTIFY:
        return compose_inquiry(sd, row, out, err);
    case STORE_MAIL_DIGEST:
        return compose_digest_late(sd, row, out, err);
    default:
        return syn_err_set(err, SYN_EINVAL, "empty %s mail",
                           store_mail_kind_name(row->kind));
    }
}

static enum syn_status
sender_claim(struct sender *sd)
{
    struct store_mail_list *list = NULL;
    struct batch *b;
    enum syn_status st;
    size_t limit = OUTBOX_BATCH, i;

    if (sd->o->max_messages > 0) {
        size_t left = sd->o->max_messages - sd->claimed;

        if (left < limit) {
            limit = left;
        }
        if (limit == 0) {
            sd->drained = true;
            return SYN_OK;
        }
    }
    st = store_outbox_claim(sd->s, sd->now, limit, OUTBOX_LEASE_S, &list,
                            &sd->err);
    if (st != SYN_OK)
        return st;
    if (list->n == 0) {
        store_mail_list_free(list);
        sd->drained = true;
        return SYN_OK;
    }
    b = syn_calloc(1, sizeof(*b));
    if (b != NULL) {
        b->p = syn_calloc(list->n, sizeof(*b->p));
    }
    if (b == NULL || b->p == NULL) {
        syn_free(b);
        store_mail_list_free(list);
        return syn_err_set(&sd->err, SYN_ENOMEM, "outbox: out of memory");
    }
    b->list = list;
    for (i = 0; i < list->n; i++) {
        b->p[i].b = b;
        b->p[i].i = i;
        buf_init(&b->p[i].body, SYN_MAX_MESSAGE_BYTES);
    }
    sd->claimed += list->n;
    if (sd->tail != NULL) {
        sd->tail->next = b;
    } else {
        sd->head = b;
    }
    sd->tail = b;
    return SYN_OK;
}

/* Free finished batches at the head. */
static void
sender_reap(struct sender *sd)
{
    while (sd->head != NULL && sd->head->done == sd->head->list->n) {
        struct batch *b = sd->head;

        sd->head = b->next;
        if (sd->tail == b) {
            sd->tail = NULL;
        }
        batch_free(b);
    }
}

static enum syn_status
record(struct sender *sd, const struct store_mail *row,
       const struct smtp_outcome *res)
{
    enum syn_status st;
    int64_t delay;

    if (res->result == SMTP_SENT) {
        sd->stats->sent++;
        return store_outbox_mark_sent(sd->s, row->id, sd->now, &sd->err);
    }
    /* No SMTP reply at all (refused, timed out, TLS): the server is the
     * problem, not this mail; trying the rest now would only fail them
     * one by one. */
    if (res->code == 0 && res->result == SMTP_TEMPFAIL) {
        sd->stop = true;
    }
    delay = res->result == SMTP_TEMPFAIL
                ? outbox_backoff(row->attempts, sd->o->max_attempts)
                : 0;
    if (sd->o->log != NULL) {
        log_warn(sd->o->log, "mail failed mail=%" PRId64 " attempt=%d "
                             "code=%ld retry_in=%" PRId64 " reply=\"%s\"",
                 row->id, row->attempts, res->code, delay, res->reply);
    }
    if (delay > 0) {
        sd->stats->retry++;
    } else {
        sd->stats->failed++;
    }
    st = store_outbox_mark_failed(sd->s, row->id, res->reply,
                                  delay > 0 ? sd->now + delay : 0, &sd->err);
    if (st == SYN_OK && res->result == SMTP_PERMFAIL) {
        enum store_sub_status sub_st = STORE_SUB_CONFIRMED;

        st = store_subscriber_mark_bounce(sd->s, row->recipient,
                                          sd->o->bounce_threshold, &sub_st,
                                          &sd->err);
        if (st == SYN_ENOTFOUND) /* a team address, an inquirer */
            st = SYN_OK;
        else if (st == SYN_OK && sub_st == STORE_SUB_BOUNCING) {
            sd->stats->bounced++;
        }
    }
    return st;
}

/* The work of one round shares a transaction (sender_round). */
static enum syn_status
sender_tx(struct sender *sd)
{
    enum syn_status st;

    if (sd->in_tx)
        return SYN_OK;
    st = store_begin(sd->s, &sd->err);
    sd->in_tx = st == SYN_OK;
    return st;
}

/* Compose the next row in claim order, claiming a batch when none is
 * left. *did = false when there is nothing more to compose. A row that
 * can never be composed is given up (failed) here. */
static enum syn_status
compose_next(struct sender *sd, bool *did)
{
    struct batch *b;
    struct pending *p;
    const struct store_mail *row;
    struct smtp_outcome res;
    enum syn_status st;

    *did = false;
    for (;;) {
        for (b = sd->head; b != NULL && b->composed == b->list->n;
             b = b->next) {
        }
        if (b != NULL)
            break;
        if (sd->drained || sd->stop)
            return SYN_OK;
        st = sender_claim(sd);
        if (st != SYN_OK)
            return st;
    }
    p = &b->p[b->composed];
    row = &b->list->v[b->composed];
    b->composed++;
    *did = true;
    if (row->body != NULL && row->body[0] != '\0') {
        p->state = ROW_READY; /* composed when it was queued */
        sd->ready++;
        return SYN_OK;
    }
    st = compose_late(sd, row, &p->body, &sd->err);
    if (st == SYN_OK) {
        p->state = ROW_READY;
        sd->ready++;
        return SYN_OK;
    }
    if (st == SYN_ENOMEM || st == SYN_EDB)
        return st;
    /* Nothing can ever be sent for this row: give it up. */
    memset(&res, 0, sizeof(res));
    snprintf(res.reply, sizeof(res.reply), "cannot compose: %.200s",
             sd->err.msg);
    p->state = ROW_DONE;
    b->done++;
    sd->stats->failed++;
    st = store_outbox_mark_failed(sd->s, row->id, res.reply, 0, &sd->err);
    sender_reap(sd);
    return st;
}

static enum syn_status
sender_next(void *user, struct smtp_message *msg, bool *have)
{
    struct sender *sd = user;
    enum syn_status st;

    *have = false;
    st = sender_tx(sd);
    if (st != SYN_OK)
        return st;
    while (!sd->stop) {
        struct batch *b;
        struct pending *p;
        const struct store_mail *row;
        bool did = false;

        for (b = sd->head; b != NULL && b->handed == b->list->n; b = b->next) {
        }
        if (b == NULL || b->handed == b->composed) {
            /* Nothing composed ahead: compose the next one now. */
            st = compose_next(sd, &did);
            if (st != SYN_OK)
                return st;
            if (!did)
                return SYN_OK; /* nothing left */
            continue;
        }
        p = &b->p[b->handed];
        b->handed++;
        if (p->state != ROW_READY)
            continue; /* given up while composing */
        p->state = ROW_HANDED;
        sd->ready--;
        row = &b->list->v[p->i];
        msg->mail_from = sd->from_addr;
        msg->rcpt_to = row->recipient;
        msg->data = p->body.len > 0 ? buf_cstr(&p->body) : row->body;
        msg->len = p->body.len > 0 ? p->body.len : strlen(row->body);
        msg->cookie = p;
        *have = true;
        return SYN_OK;
    }
    return SYN_OK;
}

/* smtp_idle_fn: every connection waits for the server; compose messages
 * ahead until sd->ahead of them are ready, in one transaction (its
 * look-ups share one read lock). */
static enum syn_status
sender_idle(void *user, bool *more)
{
    struct sender *sd = user;
    enum syn_status st = SYN_OK;
    bool did = true;

    *more = false;
    while (st == SYN_OK && did && !sd->stop && sd->ready < sd->ahead) {
        st = sender_tx(sd);
        if (st == SYN_OK) {
            st = compose_next(sd, &did);
        }
    }
    return st;
}

static enum syn_status
sender_done(void *user, const struct smtp_message *msg,
            const struct smtp_outcome *res)
{
    struct sender *sd = user;
    struct pending *p = msg->cookie;
    struct batch *b = p->b;
    enum syn_status st;

    st = sender_tx(sd);
    if (st != SYN_OK)
        return st;
    st = record(sd, &b->list->v[p->i], res);
    p->state = ROW_DONE;
    b->done++;
    sender_reap(sd);
    return st;
}

/* smtp_round_fn: commit what was done since the last round: the outcomes
 * of the messages that finished together (the client calls it as soon as
 * they are recorded, before their connections carry anything else: a
 * crash can only lose the marks of messages the server accepted
 * microseconds ago, as with a commit per message), the claims and
 * look-ups made to fill idle connections (committed before those messages
 * go out) and the work done ahead. One transaction per round instead of
 * one per statement. */
static enum syn_status
sender_round(void *user)
{
    struct sender *sd = user;

    if (!sd->in_tx)
        return SYN_OK;
    sd->in_tx = false;
    return store_commit(sd->s, &sd->err);
}

enum syn_status
outbox_send_due(struct store *s, const struct outbox_send_options *o,
                int64_t now, struct outbox_send_stats *stats,
                struct syn_err *err)
{
    struct smtp_client *client = NULL;
    struct sender sd;
    struct str name, addr;
    enum syn_status st;

    memset(stats, 0, sizeof(*stats));
    memset(&sd, 0, sizeof(sd));
    sd.s = s;
    sd.o = o;
    sd.now = now;
    sd.stats = stats;
    if (o->id == NULL || o->id->from == NULL ||
        mime_mailbox_split(o->id->from, &name, &addr) != SYN_OK ||
        addr.len > SYN_MAX_EMAIL_BYTES)
        return syn_err_set(err, SYN_ECONFIG, "bad [mail] from address");
    memcpy(sd.from_addr, addr.p, addr.len);
    sd.from_addr[addr.len] = '\0';
    if (o->max_attempts < 1 || o->bounce_threshold < 1)
        return syn_err_set(err, SYN_ECONFIG,
                           "max_attempts and bounce_threshold must be >= 1");
    sd.dcache = digest_cache_new();
    if (sd.dcache == NULL)
        return syn_err_set(err, SYN_ENOMEM, "outbox: out of memory");
    st = smtp_client_new(o->smtp, &client, err);
    if (st != SYN_OK) {
        digest_cache_free(sd.dcache);
        return st;
    }
    {
        const struct smtp_callbacks cb = {sender_next, sender_done,
                                          sender_round, sender_idle, &sd};

        /* One message ready per connection, and one more: a connection
         * that finishes finds its next message composed. */
        sd.ahead = (size_t)o->smtp->connections + 1;
        st = smtp_client_run(client, &cb, err);
    }
    if (st != SYN_OK && sd.err.code != SYN_OK) {
        *err = sd.err;
    }
    /* The client ends every round it starts; should an error have cut
     * one short, what was recorded is still true: keep it. */
    if (sd.in_tx && store_commit(s, NULL) != SYN_OK) {
        SYN_IGNORE(store_rollback(s, NULL));
    }
    smtp_client_free(client);
    while (sd.head != NULL) {
        struct batch *b = sd.head;
        size_t i;

        /* Rows claimed but never tried (the server went away): due again
         * after the first backoff instead of after the lease. Rows in
         * flight when the run stopped keep their lease. */
        for (i = 0; st == SYN_OK && i < b->list->n; i++) {
            if (b->p[i].state != ROW_CLAIMED && b->p[i].state != ROW_READY)
                continue;
            st = store_outbox_mark_failed(s, b->list->v[i].id,
                                          "not tried: server unreachable",
                                          now + OUTBOX_BACKOFF_S, err);
            stats->retry++;
        }
        sd.head = b->next;
        batch_free(b);
    }
    if (sd.have_cache) {
        cands_fini(&sd.cache);
    }
    digest_cache_free(sd.dcache);
    if (st == SYN_OK && sd.stop)
        return syn_err_set(err, SYN_ENET,
                           "mail server unreachable; %zu "
                           "mail%s will be retried",
                           stats->retry, stats->retry == 1 ? "" : "s");
    return st;
}
