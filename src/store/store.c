/* The backend-neutral half of the store (see store.h): choosing a backend,
 * dispatching calls to it, enum names, freeing result structs, and the
 * pure full-text helpers shared by every backend.
 *
 * Full-text approach: FTS5's unicode61 tokenizer splits Latin, Cyrillic,
 * Arabic (and most scripts) on spaces and punctuation, but keeps a run of
 * CJK characters as a single token, so "北京" would never match inside
 * "今天北京天气很好". store_fts_prepare_text() isolates every CJK code point
 * between U+200B (a separator for unicode61, invisible on screen) before
 * indexing and before querying, which turns CJK words into phrases of
 * one-character tokens: the approach of bigram-free CJK search engines. */
#include "store/store_backend.h"

#include <limits.h>
#include <string.h>

#include "util/ascii.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/utf8.h"

enum syn_status
store_open(const char *path, struct store **out, struct syn_err *err)
{
    if (path == NULL || path[0] == '\0')
        return syn_err_set(err, SYN_EINVAL, "store: empty database path");
    if (strncmp(path, "postgres://", 11) == 0 ||
        strncmp(path, "postgresql://", 13) == 0) {
        return syn_err_set(err, SYN_EINVAL,
                           "store: PostgreSQL support is not built in");
    }
    return store_sqlite_open(path, out, err);
}

void
store_close(struct store *s)
{
    if (s != NULL) {
        s->ops->close(s);
    }
}

enum syn_status
store_migrate(struct store *s, int *n_applied, struct syn_err *err)
{
    return s->ops->migrate_to(s, INT_MAX, n_applied, err);
}

enum syn_status
store_migrate_to(struct store *s, int max_version, int *n_applied,
                 struct syn_err *err)
{
    return s->ops->migrate_to(s, max_version, n_applied, err);
}

enum syn_status
store_schema_version(struct store *s, int *version, int *latest,
                     struct syn_err *err)
{
    return s->ops->schema_version(s, version, latest, err);
}

enum syn_status
store_begin(struct store *s, struct syn_err *err)
{
    return s->ops->begin(s, err);
}

enum syn_status
store_commit(struct store *s, struct syn_err *err)
{
    return s->ops->commit(s, err);
}

enum syn_status
store_rollback(struct store *s, struct syn_err *err)
{
    return s->ops->rollback(s, err);
}

enum syn_status
store_set_cache_size(struct store *s, size_t bytes, struct syn_err *err)
{
    return s->ops->set_cache_size(s, bytes, err);
}

enum syn_status
store_set_autocheckpoint(struct store *s, bool on, struct syn_err *err)
{
    return s->ops->set_autocheckpoint(s, on, err);
}

enum syn_status
store_checkpoint(struct store *s, size_t *log_pages, struct syn_err *err)
{
    return s->ops->checkpoint(s, log_pages, err);
}

enum syn_status
store_savepoint(struct store *s, struct syn_err *err)
{
    return s->ops->savepoint(s, err);
}

enum syn_status
store_release(struct store *s, struct syn_err *err)
{
    return s->ops->release(s, err);
}

enum syn_status
store_rollback_to(struct store *s, struct syn_err *err)
{
    return s->ops->rollback_to(s, err);
}

enum syn_status
store_data_version(struct store *s, int64_t *version, struct syn_err *err)
{
    return s->ops->data_version(s, version, err);
}

enum syn_status
store_source_add(struct store *s, const struct store_source *in, int64_t now,
                 int64_t *id, struct syn_err *err)
{
    return s->ops->source_add(s, in, now, id, err);
}

enum syn_status
store_source_get(struct store *s, int64_t id, struct store_source **out,
                 struct syn_err *err)
{
    return s->ops->source_get(s, id, out, err);
}

enum syn_status
store_source_get_by_url(struct store *s, const char *url,
                        struct store_source **out, struct syn_err *err)
{
    return s->ops->source_get_by_url(s, url, out, err);
}

enum syn_status
store_source_list(struct store *s, struct store_source_list **out,
                  struct syn_err *err)
{
    return s->ops->source_list(s, out, err);
}

enum syn_status
store_source_due(struct store *s, int64_t now, size_t limit,
                 struct store_source_list **out, struct syn_err *err)
{
    return s->ops->source_due(s, now, limit, out, err);
}

enum syn_status
store_source_remove(struct store *s, int64_t id, struct syn_err *err)
{
    return s->ops->source_remove(s, id, err);
}

enum syn_status
store_source_update_fetch(struct store *s, int64_t id,
                          const struct store_fetch_result *r,
                          struct syn_err *err)
{
    return s->ops->source_update_fetch(s, id, r, err);
}

enum syn_status
store_source_set_enabled(struct store *s, int64_t id, bool enabled,
                         const char *reason, struct syn_err *err)
{
    return s->ops->source_set_enabled(s, id, enabled, reason, err);
}

enum syn_status
store_source_set_topics(struct store *s, int64_t id, const char *const *slugs,
                        size_t n, struct syn_err *err)
{
    return s->ops->source_set_topics(s, id, slugs, n, err);
}

enum syn_status
store_item_upsert(struct store *s, const struct store_item *in, int64_t now,
                  enum store_upsert *result, int64_t *id, struct syn_err *err)
{
    return s->ops->item_upsert(s, in, now, result, id, err);
}

enum syn_status
store_item_upsert_many(struct store *s, const struct store_item *in, size_t n,
                       int64_t now, enum store_upsert *results, int64_t *ids,
                       struct syn_err *err)
{
    if (n > 0 && (in == NULL || results == NULL || ids == NULL))
        return syn_err_set(err, SYN_EINVAL, "store: no items or outputs");
    return s->ops->item_upsert_many(s, in, n, now, results, ids, err);
}

enum syn_status
store_source_set_url(struct store *s, int64_t id, const char *url,
                     struct syn_err *err)
{
    return s->ops->source_set_url(s, id, url, err);
}

enum syn_status
store_item_add_topics(struct store *s, int64_t item_id,
                      const char *const *slugs, size_t n, struct syn_err *err)
{
    return s->ops->item_add_topics(s, item_id, slugs, n, err);
}

enum syn_status
store_item_get(struct store *s, int64_t id, struct store_item **out,
               struct syn_err *err)
{
    return s->ops->item_get(s, id, out, err);
}

enum syn_status
store_item_find_by_canonical(struct store *s, const char *canonical_url,
                             struct store_item **out, struct syn_err *err)
{
    return s->ops->item_find_by_canonical(s, canonical_url, out, err);
}

enum syn_status
store_item_page(struct store *s, const struct store_item_query *q,
                struct store_item_list **out, struct syn_err *err)
{
    return s->ops->item_page(s, q, out, err);
}

enum syn_status
store_item_cluster_members(struct store *s, int64_t item_id, size_t limit,
                           struct store_item_list **out, struct syn_err *err)
{
    return s->ops->item_cluster_members(s, item_id, limit, out, err);
}

enum syn_status
store_item_related(struct store *s, int64_t item_id, size_t limit,
                   struct store_item_list **out, struct syn_err *err)
{
    return s->ops->item_related(s, item_id, limit, out, err);
}

enum syn_status
store_item_search(struct store *s, const char *query, size_t offset,
                  size_t limit, struct store_item_list **out,
                  struct syn_err *err)
{
    return s->ops->item_search(s, query, offset, limit, out, err);
}

enum syn_status
store_item_simhash_list(struct store *s, int64_t since, size_t limit,
                        struct store_item_list **out, struct syn_err *err)
{
    return s->ops->item_simhash_list(s, since, limit, out, err);
}

enum syn_status
store_cluster_assign(struct store *s, int64_t item_id, int64_t with_item_id,
                     int64_t now, int64_t *cluster_id, struct syn_err *err)
{
    return s->ops->cluster_assign(s, item_id, with_item_id, now, cluster_id,
                                  err);
}

enum syn_status
store_topic_upsert(struct store *s, const char *slug, const char *name,
                   int64_t *id, struct syn_err *err)
{
    return s->ops->topic_upsert(s, slug, name, id, err);
}

enum syn_status
store_topic_list(struct store *s, struct store_topic_list **out,
                 struct syn_err *err)
{
    return s->ops->topic_list(s, out, err);
}

enum syn_status
store_partner_add(struct store *s, const struct store_partner *in, int64_t now,
                  int64_t *id, struct syn_err *err)
{
    return s->ops->partner_add(s, in, now, id, err);
}

enum syn_status
store_partner_get(struct store *s, const char *slug, struct store_partner **out,
                  struct syn_err *err)
{
    return s->ops->partner_get(s, slug, out, err);
}

enum syn_status
store_partner_list(struct store *s, struct store_partner_list **out,
                   struct syn_err *err)
{
    return s->ops->partner_list(s, out, err);
}

enum syn_status
store_partner_remove(struct store *s, int64_t id, struct syn_err *err)
{
    return s->ops->partner_remove(s, id, err);
}

enum syn_status
store_subscriber_add_pending(struct store *s, const struct store_subscriber *in,
                             int64_t now, int64_t *id, struct syn_err *err)
{
    return s->ops->subscriber_add_pending(s, in, now, id, err);
}

enum syn_status
store_subscriber_import(struct store *s, const struct store_subscriber *in,
                        int64_t now, int64_t *id, struct syn_err *err)
{
    return s->ops->subscriber_import(s, in, now, id, err);
}

enum syn_status
store_subscriber_get(struct store *s, int64_t id, struct store_subscriber **out,
                     struct syn_err *err)
{
    return s->ops->subscriber_get(s, id, out, err);
}

enum syn_status
store_subscriber_get_by_email(struct store *s, const char *email,
                              struct store_subscriber **out,
                              struct syn_err *err)
{
    return s->ops->subscriber_get_by_email(s, email, out, err);
}

enum syn_status
store_subscriber_confirm(struct store *s, int64_t id, int64_t now,
                         struct syn_err *err)
{
    return s->ops->subscriber_confirm(s, id, now, err);
}

enum syn_status
store_subscriber_update_prefs(struct store *s, int64_t id,
                              const struct store_subscriber *in,
                              struct syn_err *err)
{
    return s->ops->subscriber_update_prefs(s, id, in, err);
}

enum syn_status
store_subscriber_unsubscribe(struct store *s, int64_t id, struct syn_err *err)
{
    return s->ops->subscriber_unsubscribe(s, id, err);
}

enum syn_status
store_subscriber_delete(struct store *s, int64_t id, struct syn_err *err)
{
    return s->ops->subscriber_delete(s, id, err);
}

enum syn_status
store_subscriber_mark_bounce(struct store *s, const char *email,
                             int max_bounces, enum store_sub_status *status,
                             struct syn_err *err)
{
    return s->ops->subscriber_mark_bounce(s, email, max_bounces, status, err);
}

enum syn_status
store_subscriber_set_last_digest(struct store *s, int64_t id,
                                 enum store_frequency f, int64_t t,
                                 struct syn_err *err)
{
    return s->ops->subscriber_set_last_digest(s, id, f, t, err);
}

enum syn_status
store_subscriber_list(struct store *s, const struct store_subscriber_query *q,
                      struct store_subscriber_list **out, struct syn_err *err)
{
    return s->ops->subscriber_list(s, q, out, err);
}

enum syn_status
store_digest_record(struct store *s, enum store_frequency f,
                    const char *period_key, int64_t now, struct syn_err *err)
{
    return s->ops->digest_record(s, f, period_key, now, err);
}

enum syn_status
store_outbox_enqueue(struct store *s, const struct store_mail *in, int64_t now,
                     int64_t *id, bool *inserted, struct syn_err *err)
{
    return s->ops->outbox_enqueue(s, in, now, id, inserted, err);
}

enum syn_status
store_outbox_claim(struct store *s, int64_t now, size_t limit, int lease_s,
                   struct store_mail_list **out, struct syn_err *err)
{
    return s->ops->outbox_claim(s, now, limit, lease_s, out, err);
}

enum syn_status
store_outbox_set_body(struct store *s, int64_t id, const char *body,
                      struct syn_err *err)
{
    return s->ops->outbox_set_body(s, id, body, err);
}

enum syn_status
store_outbox_mark_sent(struct store *s, int64_t id, int64_t now,
                       struct syn_err *err)
{
    return s->ops->outbox_mark_sent(s, id, now, err);
}

enum syn_status
store_outbox_mark_failed(struct store *s, int64_t id, const char *error,
                         int64_t next_attempt, struct syn_err *err)
{
    return s->ops->outbox_mark_failed(s, id, error, next_attempt, err);
}

enum syn_status
store_outbox_next_due(struct store *s, int64_t *when, struct syn_err *err)
{
    return s->ops->outbox_next_due(s, when, err);
}

enum syn_status
store_inquiry_add(struct store *s, const struct store_inquiry *in, int64_t now,
                  int64_t *id, struct syn_err *err)
{
    return s->ops->inquiry_add(s, in, now, id, err);
}

enum syn_status
store_inquiry_list(struct store *s, int status, struct store_inquiry_list **out,
                   struct syn_err *err)
{
    return s->ops->inquiry_list(s, status, out, err);
}

enum syn_status
store_inquiry_get(struct store *s, int64_t id, struct store_inquiry **out,
                  struct syn_err *err)
{
    return s->ops->inquiry_get(s, id, out, err);
}

enum syn_status
store_inquiry_set_status(struct store *s, int64_t id,
                         enum store_inquiry_status st, struct syn_err *err)
{
    return s->ops->inquiry_set_status(s, id, st, err);
}

enum syn_status
store_share_increment(struct store *s, int64_t item_id, const char *network,
                      struct syn_err *err)
{
    return s->ops->share_increment(s, item_id, network, err);
}

enum syn_status
store_share_totals(struct store *s, int64_t item_id,
                   struct store_share_list **out, struct syn_err *err)
{
    return s->ops->share_totals(s, item_id, out, err);
}

enum syn_status
store_setting_get(struct store *s, const char *key, char **value,
                  struct syn_err *err)
{
    return s->ops->setting_get(s, key, value, err);
}

enum syn_status
store_setting_set(struct store *s, const char *key, const char *value,
                  struct syn_err *err)
{
    return s->ops->setting_set(s, key, value, err);
}

enum syn_status
store_rate_check(struct store *s, const char *key, int window_s, int max,
                 int64_t now, bool *allowed, struct syn_err *err)
{
    return s->ops->rate_check(s, key, window_s, max, now, allowed, err);
}

enum syn_status
store_stats(struct store *s, struct store_stats *out, struct syn_err *err)
{
    return s->ops->stats(s, out, err);
}

/* ------------------------------------------------------------------ */
/* Enum names                                                          */
/* ------------------------------------------------------------------ */

const char *const store_sub_status_names[4] = {"pending", "confirmed",
                                               "unsubscribed", "bouncing"};
const char *const store_frequency_names[STORE_N_FREQ] = {"instant", "daily",
                                                         "weekly"};
const char *const store_mail_kind_names[4] = {"confirm", "ack", "notify",
                                              "digest"};
const char *const store_mail_status_names[3] = {"queued", "sent", "failed"};
const char *const store_inquiry_status_names[4] = {"new", "contacted",
                                                   "accepted", "declined"};

static const char *
name_of(const char *const *names, size_t n, int v)
{
    if (v < 0 || (size_t)v >= n)
        return "unknown";
    return names[v];
}

static enum syn_status
parse_name(const char *const *names, size_t n, const char *name, int *out)
{
    size_t i;

    if (name == NULL)
        return SYN_EINVAL;
    for (i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            *out = (int)i;
            return SYN_OK;
        }
    }
    return SYN_EINVAL;
}

const char *
store_sub_status_name(enum store_sub_status st)
{
    return name_of(store_sub_status_names, 4, (int)st);
}

const char *
store_frequency_name(enum store_frequency f)
{
    return name_of(store_frequency_names, STORE_N_FREQ, (int)f);
}

const char *
store_mail_kind_name(enum store_mail_kind k)
{
    return name_of(store_mail_kind_names, 4, (int)k);
}

const char *
store_mail_status_name(enum store_mail_status st)
{
    return name_of(store_mail_status_names, 3, (int)st);
}

const char *
store_inquiry_status_name(enum store_inquiry_status st)
{
    return name_of(store_inquiry_status_names, 4, (int)st);
}

enum syn_status
store_sub_status_parse(const char *name, enum store_sub_status *out)
{
    int v;
    enum syn_status st = parse_name(store_sub_status_names, 4, name, &v);

    if (st == SYN_OK) {
        *out = (enum store_sub_status)v;
    }
    return st;
}

enum syn_status
store_frequency_parse(const char *name, enum store_frequency *out)
{
    int v;
    enum syn_status st =
        parse_name(store_frequency_names, STORE_N_FREQ, name, &v);

    if (st == SYN_OK) {
        *out = (enum store_frequency)v;
    }
    return st;
}

enum syn_status
store_inquiry_status_parse(const char *name, enum store_inquiry_status *out)
{
    int v;
    enum syn_status st = parse_name(store_inquiry_status_names, 4, name, &v);

    if (st == SYN_OK) {
        *out = (enum store_inquiry_status)v;
    }
    return st;
}

/* ------------------------------------------------------------------ */
/* Freeing results                                                     */
/* ------------------------------------------------------------------ */

void
store_source_clear(struct store_source *v)
{
    syn_free(v->url);
    syn_free(v->site_url);
    syn_free(v->title);
    syn_free(v->partner_slug);
    syn_free(v->disabled_reason);
    syn_free(v->etag);
    syn_free(v->last_modified);
    syn_free(v->last_error);
    syn_free(v->topics);
    memset(v, 0, sizeof(*v));
}

void
store_item_clear(struct store_item *v)
{
    syn_free(v->guid);
    syn_free(v->url);
    syn_free(v->canonical_url);
    syn_free(v->title);
    syn_free(v->authors);
    syn_free(v->summary_html);
    syn_free(v->content_html);
    syn_free(v->excerpt_html);
    syn_free(v->excerpt_text);
    syn_free(v->image);
    syn_free(v->language);
    syn_free(v->categories);
    syn_free(v->content_hash);
    syn_free(v->text);
    syn_free(v->source_title);
    syn_free(v->source_site_url);
    syn_free(v->topics);
    syn_free(v->snippet);
    memset(v, 0, sizeof(*v));
}

void
store_topic_clear(struct store_topic *v)
{
    syn_free(v->slug);
    syn_free(v->name);
    memset(v, 0, sizeof(*v));
}

void
store_partner_clear(struct store_partner *v)
{
    syn_free(v->slug);
    syn_free(v->name);
    syn_free(v->url);
    syn_free(v->logo);
    syn_free(v->description);
    memset(v, 0, sizeof(*v));
}

void
store_subscriber_clear(struct store_subscriber *v)
{
    syn_free(v->email);
    syn_free(v->name);
    syn_free(v->organization);
    syn_free(v->topics);
    syn_free(v->consent_ip);
    syn_free(v->consent_source);
    memset(v, 0, sizeof(*v));
}

void
store_mail_clear(struct store_mail *v)
{
    syn_free(v->dedupe_key);
    syn_free(v->recipient);
    syn_free(v->subject);
    syn_free(v->body);
    syn_free(v->last_error);
    memset(v, 0, sizeof(*v));
}

void
store_inquiry_clear(struct store_inquiry *v)
{
    syn_free(v->organization);
    syn_free(v->name);
    syn_free(v->email);
    syn_free(v->website);
    syn_free(v->country);
    syn_free(v->kind);
    syn_free(v->message);
    syn_free(v->ip);
    memset(v, 0, sizeof(*v));
}

void
store_share_clear(struct store_share *v)
{
    syn_free(v->network);
    memset(v, 0, sizeof(*v));
}

void
store_source_free(struct store_source *v)
{
    if (v == NULL)
        return;
    store_source_clear(v);
    syn_free(v);
}

void
store_item_free(struct store_item *v)
{
    if (v == NULL)
        return;
    store_item_clear(v);
    syn_free(v);
}

void
store_partner_free(struct store_partner *v)
{
    if (v == NULL)
        return;
    store_partner_clear(v);
    syn_free(v);
}

void
store_subscriber_free(struct store_subscriber *v)
{
    if (v == NULL)
        return;
    store_subscriber_clear(v);
    syn_free(v);
}

void
store_inquiry_free(struct store_inquiry *v)
{
    if (v == NULL)
        return;
    store_inquiry_clear(v);
    syn_free(v);
}

void
store_source_list_free(struct store_source_list *list)
{
    size_t i;

    if (list == NULL)
        return;
    for (i = 0; i < list->n; i++) {
        store_source_clear(&list->v[i]);
    }
    syn_free(list->v);
    syn_free(list);
}

void
store_item_list_free(struct store_item_list *list)
{
    size_t i;

    if (list == NULL)
        return;
    for (i = 0; i < list->n; i++) {
        store_item_clear(&list->v[i]);
    }
    syn_free(list->v);
    syn_free(list);
}

void
store_topic_list_free(struct store_topic_list *list)
{
    size_t i;

    if (list == NULL)
        return;
    for (i = 0; i < list->n; i++) {
        store_topic_clear(&list->v[i]);
    }
    syn_free(list->v);
    syn_free(list);
}

void
store_partner_list_free(struct store_partner_list *list)
{
    size_t i;

    if (list == NULL)
        return;
    for (i = 0; i < list->n; i++) {
        store_partner_clear(&list->v[i]);
    }
    syn_free(list->v);
    syn_free(list);
}

void
store_subscriber_list_free(struct store_subscriber_list *list)
{
    size_t i;

    if (list == NULL)
        return;
    for (i = 0; i < list->n; i++) {
        store_subscriber_clear(&list->v[i]);
    }
    syn_free(list->v);
    syn_free(list);
}

void
store_mail_list_free(struct store_mail_list *list)
{
    size_t i;

    if (list == NULL)
        return;
    for (i = 0; i < list->n; i++) {
        store_mail_clear(&list->v[i]);
    }
    syn_free(list->v);
    syn_free(list);
}

void
store_inquiry_list_free(struct store_inquiry_list *list)
{
    size_t i;

    if (list == NULL)
        return;
    for (i = 0; i < list->n; i++) {
        store_inquiry_clear(&list->v[i]);
    }
    syn_free(list->v);
    syn_free(list);
}

void
store_share_list_free(struct store_share_list *list)
{
    size_t i;

    if (list == NULL)
        return;
    for (i = 0; i < list->n; i++) {
        store_share_clear(&list->v[i]);
    }
    syn_free(list->v);
    syn_free(list);
}

/* ------------------------------------------------------------------ */
/* Full-text helpers                                                   */
/* ------------------------------------------------------------------ */

/* Scripts written without spaces between words (or, for Hangul, whose
 * syllables we index one by one so that compounds are found). */
static bool
is_cjk(uint32_t cp)
{
    static const struct {
        uint32_t lo, hi;
    } ranges[] = {
        {0x1100, 0x11FF},   /* Hangul Jamo */
        {0x2E80, 0x2FDF},   /* CJK and Kangxi radicals */
        {0x3005, 0x3007},   /* 々 〆 〇 */
        {0x3040, 0x30FF},   /* Hiragana, Katakana */
        {0x3100, 0x31BF},   /* Bopomofo, Hangul compatibility Jamo */
        {0x31F0, 0x31FF},   /* Katakana phonetic extensions */
        {0x3400, 0x4DBF},   /* CJK extension A */
        {0x4E00, 0x9FFF},   /* CJK unified ideographs */
        {0xA960, 0xA97F},   /* Hangul Jamo extended A */
        {0xAC00, 0xD7FF},   /* Hangul syllables, Jamo extended B */
        {0xF900, 0xFAFF},   /* CJK compatibility ideographs */
        {0xFF66, 0xFFDC},   /* halfwidth Katakana and Hangul */
        {0x20000, 0x3134F}, /* CJK extensions B to G */
    };
    size_t i;

    if (cp < 0x1100)
        return false;
    for (i = 0; i < SYN_ARRAY_LEN(ranges); i++) {
        if (cp >= ranges[i].lo && cp <= ranges[i].hi)
            return true;
    }
    return false;
}

static const char zwsp[] = "\xE2\x80\x8B"; /* U+200B */

/* Prepare text for the index into b (NULL text: empty).
 * NOTE: truncates, SYN_MAX_FIELD_BYTES of text are indexed. */
static enum syn_status
fts_field(struct buf *b, const char *text)
{
    size_t len = text != NULL ? strlen(text) : 0;

    if (len > SYN_MAX_FIELD_BYTES) {
        len = utf8_boundary(text, SYN_MAX_FIELD_BYTES);
    }
    return store_fts_prepare_text(text != NULL ? text : "", len, b);
}

enum syn_status
store_item_fts_prepare(const struct store_item *in, struct buf *title,
                       struct buf *body)
{
    enum syn_status st = fts_field(title, in->title);

    if (st == SYN_OK) {
        st = fts_field(body, in->text != NULL ? in->text : in->excerpt_text);
    }
    return st;
}

enum syn_status
store_fts_prepare_text(const char *text, size_t len, struct buf *out)
{
    size_t start = out->len;
    size_t i = 0, run = 0; /* run: start of bytes copied verbatim */
    enum syn_status st = SYN_OK;

    while (i < len && st == SYN_OK) {
        unsigned char c = (unsigned char)text[i];
        uint32_t cp;
        size_t n;

        if (c < 0x80) {
            if (ascii_iscntrl(c)) {
                st = buf_append(out, text + run, i - run);
                if (st == SYN_OK) {
                    st = buf_append_char(out, ' ');
                }
                run = ++i;
            } else {
                i++;
            }
            continue;
        }
        n = utf8_decode(text + i, len - i, &cp);
        if (n != 0 && !is_cjk(cp)) {
            i += n;
            continue;
        }
        st = buf_append(out, text + run, i - run);
        if (n == 0) { /* invalid: U+FFFD, resume at the next byte */
            if (st == SYN_OK) {
                st = buf_append(out, "\xEF\xBF\xBD", 3);
            }
            n = 1;
        } else {
            if (st == SYN_OK) {
                st = buf_append(out, zwsp, 3);
            }
            if (st == SYN_OK) {
                st = buf_append(out, text + i, n);
            }
            if (st == SYN_OK) {
                st = buf_append(out, zwsp, 3);
            }
        }
        i += n;
        run = i;
    }
    if (st == SYN_OK) {
        st = buf_append(out, text + run, len - run);
    }
    /* buf_append of 0 bytes before anything was added leaves data NULL;
     * make sure the result is a C string. */
    if (st == SYN_OK && out->data == NULL) {
        st = buf_append(out, "", 0);
    }
    if (st != SYN_OK) {
        buf_truncate(out, start);
    }
    return st;
}

/* Bytes of whitespace at s[0..len): ASCII space, NBSP or U+3000. */
static size_t
space_len(const char *s, size_t len)
{
    if (ascii_isspace((unsigned char)s[0]))
        return 1;
    if (len >= 2 && memcmp(s, "\xC2\xA0", 2) == 0)
        return 2;
    if (len >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
        return 3;
    return 0;
}

/* A term can match when it has an ASCII letter or digit or any non-ASCII
 * byte (a letter of another script); pure ASCII punctuation cannot. */
static bool
term_has_word(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x80 || ascii_isalnum(c))
            return true;
    }
    return false;
}

/* Append term as one quoted FTS5 phrase. */
static enum syn_status
append_phrase(struct buf *out, struct buf *tmp, const char *term, size_t len,
              bool first)
{
    enum syn_status st;
    size_t i;

    buf_reset(tmp);
    st = store_fts_prepare_text(term, len, tmp);
    if (st != SYN_OK)
        return st;
    if (!first) {
        st = buf_append_char(out, ' ');
    }
    if (st == SYN_OK) {
        st = buf_append_char(out, '"');
    }
    for (i = 0; i < tmp->len && st == SYN_OK; i++) {
        if (tmp->data[i] == '"') {
            st = buf_append(out, "\"\"", 2);
        } else {
            st = buf_append_char(out, tmp->data[i]);
        }
    }
    if (st == SYN_OK) {
        st = buf_append_char(out, '"');
    }
    return st;
}

enum syn_status
store_fts_query(const char *query, size_t len, struct buf *out, size_t *n_terms)
{
    struct buf tmp;
    size_t start = out->len, i = 0, n = 0;
    enum syn_status st = SYN_OK;

    /* Each prepared term is at most 3x its bytes (U+200B around each
     * 3-byte CJK character). */
    buf_init(&tmp, 3 * STORE_MAX_TERM_BYTES + 16);
    while (i < len && n < STORE_MAX_SEARCH_TERMS && st == SYN_OK) {
        size_t sp = space_len(query + i, len - i), t0, tlen;

        if (sp > 0) {
            i += sp;
            continue;
        }
        t0 = i;
        while (i < len && space_len(query + i, len - i) == 0) {
            i++;
        }
        tlen = i - t0;
        if (tlen > STORE_MAX_TERM_BYTES) { /* NOTE: truncates, see header */
            tlen = utf8_boundary(query + t0, STORE_MAX_TERM_BYTES);
        }
        if (!term_has_word(query + t0, tlen))
            continue;
        st = append_phrase(out, &tmp, query + t0, tlen, n == 0);
        n++;
    }
    buf_fini(&tmp);
    if (st != SYN_OK) {
        buf_truncate(out, start);
        return st;
    }
    if (out->data == NULL) {
        st = buf_append(out, "", 0);
    }
    if (n_terms != NULL) {
        *n_terms = st == SYN_OK ? n : 0;
    }
    return st;
}
