/* syndic configuration: an INI file (libinih) read once at start-up (and
 * again on SIGHUP by serve). Every key, its type, default and meaning is in
 * one table in config.c and documented in docs/CONFIG.md.
 *
 * Sections: [site] [server] [store] [log] [fetch] [mail] [digest] [topics].
 * Unknown sections or keys and bad values are errors that name the file and
 * line ("syndic.ini:12: unknown key 'titel' in [site]").
 * A struct syn_config owns all its strings; release with config_fini().
 * Thread rules: read-only once loaded; reload builds a new one. */
#ifndef SYNDIC_APP_CONFIG_H
#define SYNDIC_APP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/compiler.h"
#include "util/err.h"

/* One [topics] rule: stories whose text matches a keyword get the topic. */
struct config_topic {
    char *slug;       /* owned; the key, e.g. "climate" */
    char *name;       /* owned; display name (slug with the first letter up) */
    char **keywords;  /* owned; lower-case, trimmed */
    size_t n_keywords;
};

struct syn_config {
    /* [site] */
    char *site_title;       /* "syndic" */
    char *site_base_url;    /* "http://127.0.0.1:8080" (no trailing slash) */
    char *site_tagline;
    char *site_language;    /* BCP 47, "en" */
    long excerpt_words;     /* lists and digests: 40 */
    long article_words;     /* the article page: 150 */
    /* [server] */
    char *server_listen;    /* "127.0.0.1:8080" */
    long server_threads;    /* 0 = number of cores */
    char *server_theme_dir; /* NULL = the compiled-in default theme */
    /* [store] */
    char *store_path;       /* NULL = ./syndic.db (after --db, SYNDIC_DB) */
    /* [log] */
    char *log_level;        /* error|warn|info|debug: "info" */
    /* [fetch] */
    bool fetch_allow_private; /* fetch loopback/private addresses */
    bool fetch_allow_file;    /* accept file:// sources */
    long fetch_interval_s;    /* default poll interval: 1800 */
    long fetch_min_interval_s;
    long fetch_max_interval_s;
    long fetch_concurrency;   /* transfers at once */
    long fetch_per_host;      /* transfers at once per host */
    long fetch_timeout_s;
    long fetch_connect_timeout_s;
    long fetch_max_errors;    /* consecutive failures before disabling */
    long fetch_cluster_distance; /* SimHash bits for "same story" */
    long fetch_workers;       /* parse/clean threads; 0: online CPUs */
    char *fetch_user_agent;   /* NULL = "syndic/VERSION (+base_url)" */
    /* [mail] */
    char *mail_smtp_url;      /* NULL = mail is not sent */
    char *mail_from;
    char *mail_reply_to;
    char *mail_team_addresses; /* comma-separated */
    char *mail_username;
    char *mail_password;
    char *mail_ca_file; /* PEM bundle to trust instead of the system's */
    long mail_connections;
    long mail_max_attempts;
    long mail_bounce_threshold;
    /* [digest] */
    long digest_daily_hour;   /* UTC hour 0-23 */
    long digest_weekly_day;   /* 0 = Sunday .. 6 = Saturday */
    /* [topics] */
    struct config_topic *topics; /* owned array */
    size_t n_topics;
};

/* Fill cfg with the defaults. SYN_ENOMEM. */
enum syn_status config_init(struct syn_config *cfg) SYN_NODISCARD;

/* config_init() then read path over the defaults. On error cfg is left
 * released (config_fini done) and err says "path:line: what". SYN_EIO when
 * the file cannot be read, SYN_ECONFIG for a bad line, key or value. */
enum syn_status config_load(struct syn_config *cfg, const char *path,
                            struct syn_err *err) SYN_NODISCARD;

/* Same, from a string (tests, fuzzing); name is used in messages. */
enum syn_status config_load_string(struct syn_config *cfg, const char *text,
                                   const char *name,
                                   struct syn_err *err) SYN_NODISCARD;

/* Release everything cfg owns; cfg may then be config_init()ed again. */
void config_fini(struct syn_config *cfg);

/* Write every key with its default and description as Markdown (used to
 * check that docs/CONFIG.md lists every key). */
void config_describe(void (*line)(void *user, const char *section,
                                  const char *key, const char *def,
                                  const char *doc),
                     void *user);

#endif
