/* Internal to src/store/: the backend interface behind store.h.
 *
 * Every backend (store_sqlite.c today, store_pg.c later) defines a static
 * const struct store_ops and embeds struct store as the first member of
 * its connection struct. store.c dispatches each public store_*() call to
 * s->ops; it also holds what does not depend on a backend (pure helpers,
 * enum names, the *_free() functions). Callers outside src/store/ must not
 * include this header.
 * Thread rules: those of store.h. */
#ifndef SYNDIC_STORE_STORE_BACKEND_H
#define SYNDIC_STORE_STORE_BACKEND_H

#include "store/store.h"

struct store_ops;

struct store {
    const struct store_ops *ops; /* static, never NULL */
};

/* One member per public store_*() function that takes a store (same
 * arguments, same contract); store_migrate() is migrate_to(INT_MAX). */
struct store_ops {
    void (*close)(struct store *s);
    enum syn_status (*migrate_to)(struct store *s, int max_version,
                                  int *n_applied, struct syn_err *err);
    enum syn_status (*schema_version)(struct store *s, int *version,
                                      int *latest, struct syn_err *err);
    enum syn_status (*begin)(struct store *s, struct syn_err *err);
    enum syn_status (*commit)(struct store *s, struct syn_err *err);
    enum syn_status (*rollback)(struct store *s, struct syn_err *err);
    enum syn_status (*set_cache_size)(struct store *s, size_t bytes,
                                      struct syn_err *err);
    enum syn_status (*set_autocheckpoint)(struct store *s, bool on,
                                          struct syn_err *err);
    enum syn_status (*checkpoint)(struct store *s, size_t *log_pages,
                                  struct syn_err *err);
    enum syn_status (*savepoint)(struct store *s, struct syn_err *err);
    enum syn_status (*release)(struct store *s, struct syn_err *err);
    enum syn_status (*rollback_to)(struct store *s, struct syn_err *err);
    enum syn_status (*data_version)(struct store *s, int64_t *version,
                                    struct syn_err *err);
    enum syn_status (*source_add)(struct store *s,
                                  const struct store_source *in, int64_t now,
                                  int64_t *id, struct syn_err *err);
    enum syn_status (*source_get)(struct store *s, int64_t id,
                                  struct store_source **out,
                                  struct syn_err *err);
    enum syn_status (*source_get_by_url)(struct store *s, const char *url,
                                         struct store_source **out,
                                         struct syn_err *err);
    enum syn_status (*source_list)(struct store *s,
                                   struct store_source_list **out,
                                   struct syn_err *err);
    enum syn_status (*source_due)(struct store *s, int64_t now, size_t limit,
                                  struct store_source_list **out,
                                  struct syn_err *err);
    enum syn_status (*source_remove)(struct store *s, int64_t id,
                                     struct syn_err *err);
    enum syn_status (*source_update_fetch)(struct store *s, int64_t id,
                                           const struct store_fetch_result *r,
                                           struct syn_err *err);
    enum syn_status (*source_set_enabled)(struct store *s, int64_t id,
                                          bool enabled, const char *reason,
                                          struct syn_err *err);
    enum syn_status (*source_set_topics)(struct store *s, int64_t id,
                                         const char *const *slugs, size_t n,
                                         struct syn_err *err);
    enum syn_status (*item_upsert)(struct store *s, const struct store_item *in,
                                   int64_t now, enum store_upsert *result,
                                   int64_t *id, struct syn_err *err);
    enum syn_status (*item_upsert_many)(struct store *s,
                                        const struct store_item *in, size_t n,
                                        int64_t now, enum store_upsert *results,
                                        int64_t *ids, struct syn_err *err);
    enum syn_status (*source_set_url)(struct store *s, int64_t id,
                                      const char *url, struct syn_err *err);
    enum syn_status (*item_add_topics)(struct store *s, int64_t item_id,
                                       const char *const *slugs, size_t n,
                                       struct syn_err *err);
    enum syn_status (*item_get)(struct store *s, int64_t id,
                                struct store_item **out, struct syn_err *err);
    enum syn_status (*item_find_by_canonical)(struct store *s,
                                              const char *canonical_url,
                                              struct store_item **out,
                                              struct syn_err *err);
    enum syn_status (*item_page)(struct store *s,
                                 const struct store_item_query *q,
                                 struct store_item_list **out,
                                 struct syn_err *err);
    enum syn_status (*item_cluster_members)(struct store *s, int64_t item_id,
                                            size_t limit,
                                            struct store_item_list **out,
                                            struct syn_err *err);
    enum syn_status (*item_related)(struct store *s, int64_t item_id,
                                    size_t limit, struct store_item_list **out,
                                    struct syn_err *err);
    enum syn_status (*item_search)(struct store *s, const char *query,
                                   size_t offset, size_t limit,
                                   struct store_item_list **out,
                                   struct syn_err *err);
    enum syn_status (*item_simhash_list)(struct store *s, int64_t since,
                                         size_t limit,
                                         struct store_item_list **out,
                                         struct syn_err *err);
    enum syn_status (*cluster_assign)(struct store *s, int64_t item_id,
                                      int64_t with_item_id, int64_t now,
                                      int64_t *cluster_id, struct syn_err *err);
    enum syn_status (*topic_upsert)(struct store *s, const char *slug,
                                    const char *name, int64_t *id,
                                    struct syn_err *err);
    enum syn_status (*topic_list)(struct store *s,
                                  struct store_topic_list **out,
                                  struct syn_err *err);
    enum syn_status (*partner_add)(struct store *s,
                                   const struct store_partner *in, int64_t now,
                                   int64_t *id, struct syn_err *err);
    enum syn_status (*partner_get)(struct store *s, const char *slug,
                                   struct store_partner **out,
                                   struct syn_err *err);
    enum syn_status (*partner_list)(struct store *s,
                                    struct store_partner_list **out,
                                    struct syn_err *err);
    enum syn_status (*partner_remove)(struct store *s, int64_t id,
                                      struct syn_err *err);
    enum syn_status (*subscriber_add_pending)(struct store *s,
                                              const struct store_subscriber *in,
                                              int64_t now, int64_t *id,
                                              struct syn_err *err);
    enum syn_status (*subscriber_import)(struct store *s,
                                         const struct store_subscriber *in,
                                         int64_t now, int64_t *id,
                                         struct syn_err *err);
    enum syn_status (*subscriber_get)(struct store *s, int64_t id,
                                      struct store_subscriber **out,
                                      struct syn_err *err);
    enum syn_status (*subscriber_get_by_email)(struct store *s,
                                               const char *email,
                                               struct store_subscriber **out,
                                               struct syn_err *err);
    enum syn_status (*subscriber_confirm)(struct store *s, int64_t id,
                                          int64_t now, struct syn_err *err);
    enum syn_status (*subscriber_update_prefs)(
        struct store *s, int64_t id, const struct store_subscriber *in,
        struct syn_err *err);
    enum syn_status (*subscriber_unsubscribe)(struct store *s, int64_t id,
                                              struct syn_err *err);
    enum syn_status (*subscriber_delete)(struct store *s, int64_t id,
                                         struct syn_err *err);
    enum syn_status (*subscriber_mark_bounce)(struct store *s,
                                              const char *email,
                                              int max_bounces,
                                              enum store_sub_status *status,
                                              struct syn_err *err);
    enum syn_status (*subscriber_set_last_digest)(struct store *s, int64_t id,
                                                  enum store_frequency f,
                                                  int64_t t,
                                                  struct syn_err *err);
    enum syn_status (*subscriber_list)(struct store *s,
                                       const struct store_subscriber_query *q,
                                       struct store_subscriber_list **out,
                                       struct syn_err *err);
    enum syn_status (*digest_record)(struct store *s, enum store_frequency f,
                                     const char *period_key, int64_t now,
                                     struct syn_err *err);
    enum syn_status (*outbox_enqueue)(struct store *s,
                                      const struct store_mail *in, int64_t now,
                                      int64_t *id, bool *inserted,
                                      struct syn_err *err);
    enum syn_status (*outbox_claim)(struct store *s, int64_t now, size_t limit,
                                    int lease_s, struct store_mail_list **out,
                                    struct syn_err *err);
    enum syn_status (*outbox_set_body)(struct store *s, int64_t id,
                                       const char *body, struct syn_err *err);
    enum syn_status (*outbox_mark_sent)(struct store *s, int64_t id,
                                        int64_t now, struct syn_err *err);
    enum syn_status (*outbox_mark_failed)(struct store *s, int64_t id,
                                          const char *error,
                                          int64_t next_attempt,
                                          struct syn_err *err);
    enum syn_status (*outbox_next_due)(struct store *s, int64_t *when,
                                       struct syn_err *err);
    enum syn_status (*inquiry_add)(struct store *s,
                                   const struct store_inquiry *in, int64_t now,
                                   int64_t *id, struct syn_err *err);
    enum syn_status (*inquiry_list)(struct store *s, int status,
                                    struct store_inquiry_list **out,
                                    struct syn_err *err);
    enum syn_status (*inquiry_get)(struct store *s, int64_t id,
                                   struct store_inquiry **out,
                                   struct syn_err *err);
    enum syn_status (*inquiry_set_status)(struct store *s, int64_t id,
                                          enum store_inquiry_status st,
                                          struct syn_err *err);
    enum syn_status (*share_increment)(struct store *s, int64_t item_id,
                                       const char *network,
                                       struct syn_err *err);
    enum syn_status (*share_totals)(struct store *s, int64_t item_id,
                                    struct store_share_list **out,
                                    struct syn_err *err);
    enum syn_status (*setting_get)(struct store *s, const char *key,
                                   char **value, struct syn_err *err);
    enum syn_status (*setting_set)(struct store *s, const char *key,
                                   const char *value, struct syn_err *err);
    enum syn_status (*rate_check)(struct store *s, const char *key,
                                  int window_s, int max, int64_t now,
                                  bool *allowed, struct syn_err *err);
    enum syn_status (*stats)(struct store *s, struct store_stats *out,
                             struct syn_err *err);
};

/* Open the SQLite backend (store_sqlite.c). */
enum syn_status store_sqlite_open(const char *path, struct store **out,
                                  struct syn_err *err) SYN_NODISCARD;

/* Release the strings of one element and zero it (the struct itself is
 * not freed): used by the *_free() functions and by backends to undo a
 * half-read row. */
void store_source_clear(struct store_source *v);
void store_item_clear(struct store_item *v);
void store_topic_clear(struct store_topic *v);
void store_partner_clear(struct store_partner *v);
void store_subscriber_clear(struct store_subscriber *v);
void store_mail_clear(struct store_mail *v);
void store_inquiry_clear(struct store_inquiry *v);
void store_share_clear(struct store_share *v);

/* Static name tables of the enums of store.h, indexed by value. */
extern const char *const store_sub_status_names[4];
extern const char *const store_frequency_names[STORE_N_FREQ];
extern const char *const store_mail_kind_names[4];
extern const char *const store_mail_status_names[3];
extern const char *const store_inquiry_status_names[4];

#endif
