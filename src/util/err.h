/* Status codes and error detail: the one error vocabulary of syndic.
 *
 * Fallible functions return enum syn_status and, when given one, fill a
 * caller-provided struct syn_err with a human sentence. Codes are append-only:
 * never renumber (they may be stored and compared by tools).
 * Thread rules: none; a syn_err belongs to its caller. */
#ifndef SYNDIC_UTIL_ERR_H
#define SYNDIC_UTIL_ERR_H

#include "util/compiler.h"

enum syn_status {
    SYN_OK = 0,
    SYN_ENOMEM,    /* out of memory */
    SYN_EINVAL,    /* invalid input or argument */
    SYN_ETOOBIG,   /* a named limit (util/limits.h) was reached */
    SYN_EPARSE,    /* input could not be parsed */
    SYN_EIO,       /* file or stream I/O failed */
    SYN_ENET,      /* network failure */
    SYN_EDB,       /* the store failed */
    SYN_ENOTFOUND, /* no such thing */
    SYN_EEXIST,    /* already exists */
    SYN_EAUTH,     /* bad token, signature or credentials */
    SYN_EUSAGE,    /* bad command-line usage */
    SYN_ECONFIG,   /* bad configuration */
    SYN_EDENIED,   /* refused by policy (SSRF guard, rate limit) */
    SYN_ETIMEOUT,  /* a deadline passed */
};

#define SYN_ERR_MSG_LEN 256

/* Ignore a SYN_NODISCARD result on purpose (GCC ignores a plain (void)). */
#define SYN_IGNORE(expr) ((void)!(expr))

struct syn_err {
    enum syn_status code;
    char msg[SYN_ERR_MSG_LEN]; /* NUL-terminated, may be truncated */
};

/* Fill err (if not NULL) with code and a formatted message; returns code so
 * that callers can write `return syn_err_set(err, SYN_EINVAL, "...")`. */
enum syn_status syn_err_set(struct syn_err *err, enum syn_status code,
                            const char *fmt, ...) SYN_PRINTF(3, 4);

/* Reset err to SYN_OK with an empty message. err may be NULL. */
void syn_err_clear(struct syn_err *err);

/* Static name of a status, e.g. "SYN_ENOMEM"; never NULL. */
const char *syn_status_name(enum syn_status code);

/* Static English description of a status; never NULL. */
const char *syn_strerror(enum syn_status code);

#endif
