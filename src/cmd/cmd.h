/* Subcommands of the syndic binary. Each cmd_<name>() gets the global
 * options already parsed and argv starting at the subcommand's name, and
 * returns the process exit code: CMD_OK, CMD_RUNTIME or CMD_USAGE.
 * Each has a help text (cmd_<name>_help) shown by `syndic help NAME` and
 * `syndic NAME --help`. Only main.c and src/cmd/ may exit the process. */
#ifndef SYNDIC_CMD_CMD_H
#define SYNDIC_CMD_CMD_H

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
int cmd_fail(const struct cmd_env *env, const char *name, const char *fmt,
             ...) SYN_PRINTF(3, 4);
/* Print the help text of the command called name; CMD_USAGE if unknown. */
int cmd_print_help(const struct cmd_env *env, const char *name, FILE *to);

#endif
