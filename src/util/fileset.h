/* A theme's files: a set of small named files held whole in memory
 * (page templates, static assets, mail templates). A later put of a name
 * replaces the earlier one, so the compiled-in defaults go in first and
 * a theme directory's files over them. Every file is NUL-terminated.
 * Thread rules: a set belongs to one thread at a time. */
#ifndef SYNDIC_UTIL_FILESET_H
#define SYNDIC_UTIL_FILESET_H

#include <stddef.h>

#include "util/compiler.h"
#include "util/embed.h"
#include "util/err.h"

struct fileset_file {
    char *name; /* owned; "templates/home.html", "mail/digest.txt" */
    char *path; /* owned; the file it was read from, NULL if embedded */
    char *data; /* owned, NUL-terminated; a user may take it (set NULL) */
    size_t len; /* bytes, without the NUL */
};

struct fileset {
    struct fileset_file *v; /* max entries, allocated on the first put */
    size_t n, max;
};

/* An empty set of at most max files. */
void fileset_init(struct fileset *f, size_t max);
void fileset_fini(struct fileset *f);

/* Copy every entry of table whose name starts with prefix ("" for all),
 * under its own name. SYN_ENOMEM, SYN_ETOOBIG past max files. */
enum syn_status fileset_put_embedded(struct fileset *f,
                                     const struct syn_embedded *table,
                                     const char *prefix,
                                     struct syn_err *err) SYN_NODISCARD;

/* Read every regular file of dir/sub (one level; dot files skipped) as
 * "sub/<file name>", each at most max_bytes. A missing dir/sub is no
 * error (a theme need not override everything). SYN_EIO, SYN_ETOOBIG
 * (a file past max_bytes, more than max files, a path too long),
 * SYN_ENOMEM; err names the file. */
enum syn_status fileset_read_dir(struct fileset *f, const char *dir,
                                 const char *sub, size_t max_bytes,
                                 struct syn_err *err) SYN_NODISCARD;

#endif
