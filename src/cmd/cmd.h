/* Subcommands of the syndic binary. Each cmd_<name>() gets the global
 * options already parsed and argv starting at the subcommand's name, and
 * returns the process exit code: CMD_OK, CMD_RUNTIME or CMD_USAGE.
 * Each has a help text (cmd_<name>_help) shown by `syndic help NAME` and
 * `syndic NAME --help`. Only main.c and src/cmd/ may exit the process. */
#ifndef SYNDIC_CMD_CMD_H
#define SYNDIC_CMD_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/log.h"

#define CMD_OK 0
#define CMD_RUNTIME 1
#define CMD_USAGE 2

struct cmd_env {
    const char *db_path;     /* --db or SYNDIC_DB; NULL: config, then default */
    const char *config_path; /* --config or SYNDIC_CONFIG; NULL: none */
    int verbosity;           /* -v count minus -q count */
    FILE *out;               /* stdout */
    FILE *err;               /* stderr */
};

typedef int (*cmd_fn)(const struct cmd_env *env, int argc, char **argv);

struct cmd_def {
    const char *name;
    cmd_fn run;
    const char *summary; /* one line for `syndic --help` */
    const char *help;    /* full usage text */
};

/* syndic parse (cmd_parse.c). */
int cmd_parse(const struct cmd_env *env, int argc, char **argv);
extern const char cmd_parse_help[];

/* The table of subcommands, ending with a NULL name (main.c owns it). */
extern const struct cmd_def cmd_table[];

/* HTML fragment on stdin, safe HTML on stdout (cmd_sanitize.c). */
int cmd_sanitize(const struct cmd_env *env, int argc, char **argv);
extern const char cmd_sanitize_help[];
/* HTML on stdin, excerpt on stdout (cmd_excerpt.c). */
int cmd_excerpt(const struct cmd_env *env, int argc, char **argv);
extern const char cmd_excerpt_help[];

/* Report a usage error on env->err in the form "syndic NAME: MSG" plus a
 * hint to --help; returns CMD_USAGE. */
int cmd_usage_error(const struct cmd_env *env, const char *name,
                    const char *fmt, ...) SYN_PRINTF(3, 4);
/* Report a runtime failure "syndic NAME: MSG"; returns CMD_RUNTIME. */
int cmd_fail(const struct cmd_env *env, const char *name, const char *fmt, ...)
    SYN_PRINTF(3, 4);
struct syn_ctx;

/* Open the context for command name (config, log, and the store when
 * flags has CTX_STORE; see app/ctx.h). On failure prints one message and
 * returns CMD_RUNTIME; else CMD_OK and *ctx must be ctx_close()d. */
int cmd_open_ctx(const struct cmd_env *env, const char *name, unsigned flags,
                 struct syn_ctx *ctx /* out */);

/* Print the help text of the command called name; CMD_USAGE if unknown. */
int cmd_print_help(const struct cmd_env *env, const char *name, FILE *to);

/* Write one CSV field (RFC 4180: quoted when it holds a comma, quote or
 * line break) and then "," or, when last, CRLF. A text field (text) that a
 * spreadsheet would run as a formula (=, +, -, @) gets a leading
 * apostrophe, and one that starts with an apostrophe is quoted, so that an
 * import reads it back unchanged (CSV injection). s NULL is empty. */
void cmd_csv_field(FILE *out, const char *s, bool text, bool last);

/* Makes the JSON object of one list row (rows of a store list); NULL
 * when out of memory. full asks for the long form (export). */
typedef struct json_t *(*cmd_row_json_fn)(const void *row, bool full);

/* Print n rows of row_size bytes each as an indented JSON array, each row
 * made by row_json, then a newline. CMD_OK, or CMD_RUNTIME with a message
 * naming cmd. */
int cmd_print_json_rows(const struct cmd_env *env, const char *cmd,
                        const void *rows, size_t n, size_t row_size,
                        cmd_row_json_fn row_json, bool full);

/* A JSON string of s, or JSON null for NULL; NULL when out of memory. */
struct json_t *cmd_json_str_or_null(const char *s);

/* RFC 3339 UTC form of t into out[32] ("" for 0); returns out. */
const char *cmd_format_time(int64_t t, char out[32]);

/* Add url as a source (checked against the fetch policy of ctx's config)
 * with its title, partner (0: none) and topics, in the caller's
 * transaction. *id gets the new id (the existing one on SYN_EEXIST). */
enum syn_status cmd_source_add_url(struct syn_ctx *ctx, const char *url,
                                   const char *title, int64_t partner_id,
                                   const char *const *topics, size_t n_topics,
                                   int64_t *id /* out */,
                                   struct syn_err *err) SYN_NODISCARD;

/* The subcommands; each documented by its help text. */
int cmd_init(const struct cmd_env *env, int argc, char **argv);
int cmd_source(const struct cmd_env *env, int argc, char **argv);
int cmd_partner(const struct cmd_env *env, int argc, char **argv);
int cmd_digest(const struct cmd_env *env, int argc, char **argv);
int cmd_subscribers(const struct cmd_env *env, int argc, char **argv);
int cmd_inquiries(const struct cmd_env *env, int argc, char **argv);
int cmd_fetch(const struct cmd_env *env, int argc, char **argv);
int cmd_opml(const struct cmd_env *env, int argc, char **argv);
extern const char cmd_opml_help[];
extern const char cmd_fetch_help[];
extern const char cmd_partner_help[];
extern const char cmd_digest_help[];
extern const char cmd_subscribers_help[];
extern const char cmd_inquiries_help[];
extern const char cmd_init_help[];
extern const char cmd_source_help[];

/* cmd_serve.c */
int cmd_serve(const struct cmd_env *env, int argc, char **argv);
extern const char cmd_serve_help[];

#endif
