/* A small command-line option scanner for subcommands: --long, --long=VALUE,
 * --long VALUE, -s, -s VALUE, "--" ends options, "-" is a positional.
 * Options may come before, between or after positionals.
 * Thread rules: none. */
#ifndef SYNDIC_CMD_OPT_H
#define SYNDIC_CMD_OPT_H

#include <stdbool.h>

struct opt_spec {
    const char *name;  /* long name without "--"; NULL ends the table */
    char short_name;   /* 0 when none */
    bool has_arg;      /* takes a value */
    int id;            /* returned by opt_next(); must be > 0 */
};

struct opt_iter {
    int argc;
    char **argv;        /* borrowed */
    int index;          /* next argv element to look at */
    bool only_args;     /* after "--" */
    const char *value;  /* value of the last option, or the positional */
    char error[160];    /* message when opt_next() returned OPT_ERROR */
};

#define OPT_END 0       /* nothing left */
#define OPT_ARG (-1)    /* a positional argument, in it->value */
#define OPT_ERROR (-2)  /* unknown option or missing value, see it->error */

/* Start scanning argv[first..argc). */
void opt_init(struct opt_iter *it, int argc, char **argv, int first);
/* Next option id, OPT_ARG, OPT_END or OPT_ERROR. */
int opt_next(struct opt_iter *it, const struct opt_spec *specs);

#endif
