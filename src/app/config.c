/* INI configuration (see config.h). One table describes every key; parsing,
 * defaults and documentation all come from it. inih calls our handler per
 * key; a line-counting reader lets the handler name the line it is on. */
#include "app/config.h"

#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "util/ascii.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/utf8.h"

enum key_type { KEY_STRING, KEY_BOOL, KEY_LONG, KEY_WEEKDAY };

struct config_key {
    const char *section;
    const char *name;
    enum key_type type;
    size_t offset; /* into struct syn_config */
    long min, max; /* KEY_LONG */
    const char *def; /* default as text; NULL = unset */
    const char *doc;
};

#define STR(sec, key, field, def, doc)                                         \
    {sec, key, KEY_STRING, offsetof(struct syn_config, field), 0, 0, def, doc}
#define BOOL(sec, key, field, def, doc)                                        \
    {sec, key, KEY_BOOL, offsetof(struct syn_config, field), 0, 0, def, doc}
#define LONG(sec, key, field, lo, hi, def, doc)                                \
    {sec, key, KEY_LONG, offsetof(struct syn_config, field), lo, hi, def, doc}

static const struct config_key config_keys[] = {
    STR("site", "title", site_title, "syndic", "site name, in pages and mails"),
    STR("site", "base_url", site_base_url, "http://127.0.0.1:8080",
        "public URL of the site, used in feeds, mails and canonical links"),
    STR("site", "tagline", site_tagline, "News from our partners",
        "one line under the title"),
    STR("site", "language", site_language, "en",
        "BCP 47 language of the site's own text"),
    LONG("site", "excerpt_words", excerpt_words, 5, 1000, "40",
         "words in excerpts on lists and in digests"),
    LONG("site", "article_words", article_words, 5, 5000, "150",
         "words in the excerpt on an article page"),
    STR("server", "listen", server_listen, "127.0.0.1:8080",
        "ADDR:PORT the web server binds (serve --listen overrides)"),
    LONG("server", "threads", server_threads, 0, 256, "0",
         "worker threads; 0 = one per core"),
    STR("server", "theme_dir", server_theme_dir, NULL,
        "folder overriding templates of the built-in theme"),
    STR("store", "path", store_path, NULL,
        "SQLite database file (--db and SYNDIC_DB override; default "
        "./syndic.db)"),
    STR("log", "level", log_level, "info",
        "error, warn, info or debug (-v and -q adjust it)"),
    BOOL("fetch", "allow_private", fetch_allow_private, "false",
         "allow fetching loopback and private addresses (tests, demo)"),
    BOOL("fetch", "allow_file", fetch_allow_file, "false",
         "allow file:// sources (tests, demo)"),
    LONG("fetch", "interval", fetch_interval_s, 60, 7 * 86400, "1800",
         "seconds between polls of a source, before feed hints"),
    LONG("fetch", "min_interval", fetch_min_interval_s, 60, 86400, "300",
         "never poll a source more often than this (seconds)"),
    LONG("fetch", "max_interval", fetch_max_interval_s, 300, 30 * 86400,
         "86400", "always poll at least this often (seconds)"),
    LONG("fetch", "concurrency", fetch_concurrency, 1, 1024, "32",
         "transfers at once"),
    LONG("fetch", "per_host", fetch_per_host, 1, 64, "2",
         "transfers at once to one host"),
    LONG("fetch", "timeout", fetch_timeout_s, 1, 600, "30",
         "seconds for a whole transfer"),
    LONG("fetch", "connect_timeout", fetch_connect_timeout_s, 1, 120, "10",
         "seconds to connect"),
    LONG("fetch", "max_errors", fetch_max_errors, 1, 1000, "10",
         "consecutive failures before a source is disabled"),
    LONG("fetch", "cluster_distance", fetch_cluster_distance, 0, 32, "6",
         "SimHash distance (bits) under which two stories are one"),
    LONG("fetch", "workers", fetch_workers, 0, SYN_MAX_INGEST_WORKERS, "0",
         "threads that parse and clean fetched feeds; 0: one per online "
         "CPU"),
    STR("fetch", "user_agent", fetch_user_agent, NULL,
        "User-Agent; default names syndic and the site URL"),
    STR("mail", "smtp_url", mail_smtp_url, NULL,
        "smtp:// or smtps:// URL of the MTA; unset = no mail is sent"),
    STR("mail", "from", mail_from, "syndic@localhost", "From address"),
    STR("mail", "reply_to", mail_reply_to, NULL, "Reply-To address"),
    STR("mail", "team_addresses", mail_team_addresses, NULL,
        "comma-separated addresses notified of partnership inquiries"),
    STR("mail", "username", mail_username, NULL, "SMTP AUTH user"),
    STR("mail", "password", mail_password, NULL, "SMTP AUTH password"),
    STR("mail", "ca_file", mail_ca_file, NULL,
        "PEM file of CA certificates the MTA's TLS certificate is checked "
        "against, instead of the system's (a private CA, a self-signed "
        "test server)"),
    /* 4: one sender thread each; enough to overlap the server's replies
     * on a local MTA, and well under the per-client limits MTAs apply
     * (Postfix accepts 50 by default, providers commonly 10). */
    LONG("mail", "connections", mail_connections, 1, 64, "4",
         "SMTP connections in parallel"),
    LONG("mail", "max_attempts", mail_max_attempts, 1, 100, "8",
         "tries for a temporary failure before giving up"),
    LONG("mail", "bounce_threshold", mail_bounce_threshold, 1, 100, "3",
         "permanent failures before an address is marked bouncing"),
    LONG("digest", "daily_hour", digest_daily_hour, 0, 23, "7",
         "UTC hour at which daily and weekly digests go out"),
    {"digest", "weekly_day", KEY_WEEKDAY,
     offsetof(struct syn_config, digest_weekly_day), 0, 6, "monday",
     "day of the weekly digest (sunday..saturday)"},
};

static const char *const weekdays[] = {"sunday",   "monday", "tuesday",
                                       "wednesday", "thursday", "friday",
                                       "saturday"};

struct config_parse {
    struct syn_config *cfg;
    const char *name;    /* file name for messages */
    const char *text;    /* string input, or NULL */
    FILE *file;          /* file input, or NULL */
    int line;            /* line being parsed */
    int last_topic_line; /* line of the last [topics] key */
    bool indented;       /* the line starts with white space */
    struct syn_err *err; /* first error */
    bool failed;
};

static enum syn_status
config_set_value(struct syn_config *cfg, const struct config_key *k,
                 const char *value, struct config_parse *p)
{
    void *field = (char *)cfg + k->offset;
    size_t i;
    long v;
    bool b;

    switch (k->type) {
    case KEY_STRING: {
        char *copy;

        if (!utf8_valid(value, strlen(value)))
            goto bad;
        copy = value[0] != '\0' ? syn_strdup(value) : NULL;
        if (value[0] != '\0' && copy == NULL)
            return SYN_ENOMEM;
        syn_free(*(char **)field);
        *(char **)field = copy;
        return SYN_OK;
    }
    case KEY_BOOL:
        if (str_to_bool(value, &b) != SYN_OK)
            goto bad;
        *(bool *)field = b;
        return SYN_OK;
    case KEY_LONG:
        if (str_to_long(value, k->min, k->max, &v) != SYN_OK) {
            if (p != NULL) {
                syn_err_set(p->err, SYN_ECONFIG,
                            "%s:%d: [%s] %s must be a whole number from %ld "
                            "to %ld",
                            p->name, p->line, k->section, k->name, k->min,
                            k->max);
            }
            return SYN_ECONFIG;
        }
        *(long *)field = v;
        return SYN_OK;
    case KEY_WEEKDAY:
        for (i = 0; i < SYN_ARRAY_LEN(weekdays); i++) {
            if (str_casecmp(value, weekdays[i]) == 0 ||
                str_ncasecmp(value, weekdays[i], 3) == 0) {
                *(long *)field = (long)i;
                return SYN_OK;
            }
        }
        goto bad;
    }
bad:
    if (p != NULL) {
        syn_err_set(p->err, SYN_ECONFIG, "%s:%d: bad value for [%s] %s",
                    p->name, p->line, k->section, k->name);
    }
    return SYN_ECONFIG;
}

/* [topics] slug = keyword, keyword, ... */
static enum syn_status
config_add_topic(struct syn_config *cfg, const char *slug, const char *value,
                 struct config_parse *p)
{
    struct config_topic *topics, *t;
    const char *s = value;
    size_t i;

    for (i = 0; slug[i] != '\0'; i++) {
        unsigned char c = (unsigned char)slug[i];

        if (!ascii_isalnum(c) && c != '-' && c != '_')
            return syn_err_set(p->err, SYN_ECONFIG,
                               "%s:%d: topic name '%s' may only hold "
                               "letters, digits, '-' and '_'",
                               p->name, p->line, slug);
    }
    /* inih reports an indented continuation line as the same key again. */
    if (p->indented && p->last_topic_line == p->line - 1 &&
        cfg->n_topics > 0 &&
        strcmp(cfg->topics[cfg->n_topics - 1].slug, slug) == 0) {
        t = &cfg->topics[cfg->n_topics - 1];
        goto keywords;
    }
    for (i = 0; i < cfg->n_topics; i++) {
        if (strcmp(cfg->topics[i].slug, slug) == 0)
            return syn_err_set(p->err, SYN_ECONFIG,
                               "%s:%d: topic '%s' defined twice", p->name,
                               p->line, slug);
    }
    topics = syn_realloc(cfg->topics, (cfg->n_topics + 1) * sizeof(*topics));
    if (topics == NULL)
        return SYN_ENOMEM;
    cfg->topics = topics;
    t = &topics[cfg->n_topics];
    memset(t, 0, sizeof(*t));
    cfg->n_topics++;
    t->slug = syn_strdup(slug);
    t->name = syn_strdup(slug);
    if (t->slug == NULL || t->name == NULL)
        return SYN_ENOMEM;
    t->name[0] = (char)ascii_toupper((unsigned char)t->name[0]);
keywords:
    p->last_topic_line = p->line;
    while (*s != '\0') {
        const char *end = strchr(s, ',');
        struct str kw;
        char **kws, *copy;

        if (end == NULL) {
            end = s + strlen(s);
        }
        kw = str_trim((struct str){s, (size_t)(end - s)});
        s = *end == ',' ? end + 1 : end;
        if (kw.len == 0)
            continue;
        kws = syn_realloc(t->keywords, (t->n_keywords + 1) * sizeof(*kws));
        if (kws == NULL)
            return SYN_ENOMEM;
        t->keywords = kws;
        copy = syn_strndup(kw.p, kw.len);
        if (copy == NULL)
            return SYN_ENOMEM;
        for (i = 0; copy[i] != '\0'; i++) {
            copy[i] = (char)ascii_tolower((unsigned char)copy[i]);
        }
        t->keywords[t->n_keywords++] = copy;
    }
    if (t->n_keywords == 0)
        return syn_err_set(p->err, SYN_ECONFIG,
                           "%s:%d: topic '%s' needs at least one keyword",
                           p->name, p->line, slug);
    return SYN_OK;
}

static int
config_handler(void *user, const char *section, const char *name,
               const char *value)
{
    struct config_parse *p = user;
    enum syn_status st;
    size_t i;

    if (p->failed)
        return 1;
    if (strcmp(section, "topics") == 0) {
        st = config_add_topic(p->cfg, name, value, p);
        goto done;
    }
    for (i = 0; i < SYN_ARRAY_LEN(config_keys); i++) {
        const struct config_key *k = &config_keys[i];

        if (strcmp(k->section, section) == 0 && strcmp(k->name, name) == 0) {
            st = config_set_value(p->cfg, k, value, p);
            goto done;
        }
    }
    for (i = 0; i < SYN_ARRAY_LEN(config_keys); i++) {
        if (strcmp(config_keys[i].section, section) == 0) {
            syn_err_set(p->err, SYN_ECONFIG,
                        "%s:%d: unknown key '%s' in [%s]", p->name, p->line,
                        name, section);
            p->failed = true;
            return 0;
        }
    }
    syn_err_set(p->err, SYN_ECONFIG, "%s:%d: unknown section [%s]", p->name,
                p->line, section);
    p->failed = true;
    return 0;
done:
    if (st == SYN_ENOMEM) {
        syn_err_set(p->err, SYN_ENOMEM, "%s: out of memory", p->name);
    }
    if (st != SYN_OK) {
        p->failed = true;
        return 0;
    }
    return 1;
}

/* inih reader: one line per call, counting lines for messages. */
static char *
config_reader(char *str, int num, void *stream)
{
    struct config_parse *p = stream;
    size_t i = 0;

    if (p->failed)
        return NULL;
    if (p->file != NULL) {
        if (fgets(str, num, p->file) == NULL)
            return NULL;
        i = strlen(str);
        p->line++;
        p->indented = str[0] == ' ' || str[0] == '\t';
        if (i + 1 == (size_t)num && str[i - 1] != '\n' && !feof(p->file))
            goto too_long;
        return str;
    }
    if (*p->text == '\0' || num < 2)
        return NULL;
    p->line++;
    while (*p->text != '\0') {
        char c = *p->text++;

        if (i + 1 >= (size_t)num)
            goto too_long;
        str[i++] = c;
        if (c == '\n')
            break;
    }
    str[i] = '\0';
    p->indented = str[0] == ' ' || str[0] == '\t';
    return str;
too_long:
    /* inih's line buffer is fixed at build time; a longer line would be
     * split silently, so refuse it with a way out. */
    syn_err_set(p->err, SYN_ECONFIG,
                "%s:%d: line longer than %d bytes (continue a [topics] "
                "list on indented lines)",
                p->name, p->line, num - 2);
    p->failed = true;
    return NULL;
}

enum syn_status
config_init(struct syn_config *cfg)
{
    size_t i;

    memset(cfg, 0, sizeof(*cfg));
    for (i = 0; i < SYN_ARRAY_LEN(config_keys); i++) {
        const char *def = config_keys[i].def;
        enum syn_status st;

        if (def == NULL)
            continue;
        st = config_set_value(cfg, &config_keys[i], def, NULL);
        if (st != SYN_OK) {
            config_fini(cfg);
            return st;
        }
    }
    return SYN_OK;
}

static enum syn_status
config_parse_stream(struct syn_config *cfg, struct config_parse *p)
{
    enum syn_status st = config_init(cfg);
    int rc;

    if (st != SYN_OK)
        return syn_err_set(p->err, st, "%s: out of memory", p->name);
    p->cfg = cfg;
    rc = ini_parse_stream(config_reader, p, config_handler, p);
    if (rc == 0 && !p->failed && cfg->site_base_url != NULL) {
        size_t n = strlen(cfg->site_base_url);

        while (n > 0 && cfg->site_base_url[n - 1] == '/') {
            cfg->site_base_url[--n] = '\0';
        }
    }
    if (p->failed) {
        config_fini(cfg);
        return p->err != NULL ? p->err->code : SYN_ECONFIG;
    }
    if (rc != 0) {
        config_fini(cfg);
        if (rc < 0)
            return syn_err_set(p->err, SYN_ENOMEM, "%s: out of memory",
                               p->name);
        return syn_err_set(p->err, SYN_ECONFIG,
                           "%s:%d: malformed line (expected [section], "
                           "key = value or a ; comment)",
                           p->name, rc);
    }
    return SYN_OK;
}

enum syn_status
config_load_string(struct syn_config *cfg, const char *text, const char *name,
                   struct syn_err *err)
{
    struct config_parse p = {NULL, name, text, NULL, 0, 0, false, err, false};

    return config_parse_stream(cfg, &p);
}

enum syn_status
config_load(struct syn_config *cfg, const char *path, struct syn_err *err)
{
    struct config_parse p = {NULL, path, NULL, NULL, 0, 0, false, err, false};
    enum syn_status st;

    p.file = fopen(path, "r");
    if (p.file == NULL) {
        memset(cfg, 0, sizeof(*cfg));
        return syn_err_set(err, SYN_EIO, "%s: cannot read the configuration",
                           path);
    }
    st = config_parse_stream(cfg, &p);
    fclose(p.file);
    return st;
}

void
config_fini(struct syn_config *cfg)
{
    size_t i, j;

    for (i = 0; i < SYN_ARRAY_LEN(config_keys); i++) {
        if (config_keys[i].type == KEY_STRING) {
            char **field = (char **)((char *)cfg + config_keys[i].offset);

            syn_free(*field);
            *field = NULL;
        }
    }
    for (i = 0; i < cfg->n_topics; i++) {
        for (j = 0; j < cfg->topics[i].n_keywords; j++) {
            syn_free(cfg->topics[i].keywords[j]);
        }
        syn_free(cfg->topics[i].keywords);
        syn_free(cfg->topics[i].slug);
        syn_free(cfg->topics[i].name);
    }
    syn_free(cfg->topics);
    cfg->topics = NULL;
    cfg->n_topics = 0;
}

void
config_describe(void (*line)(void *user, const char *section,
                             const char *key, const char *def,
                             const char *doc),
                void *user)
{
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(config_keys); i++) {
        line(user, config_keys[i].section, config_keys[i].name,
             config_keys[i].def, config_keys[i].doc);
    }
}
