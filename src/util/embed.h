/* Files compiled into the binary by cmake/embed.cmake (migrations, the
 * default theme). Tables end with an entry whose name is NULL. */
#ifndef SYNDIC_UTIL_EMBED_H
#define SYNDIC_UTIL_EMBED_H

#include <stddef.h>

struct syn_embedded {
    const char *name; /* path relative to its root, e.g. "001_init.sql" */
    const char *data; /* static, NUL-terminated */
    size_t len;       /* bytes, without the NUL */
};

extern const struct syn_embedded syn_migrations[];
extern const struct syn_embedded syn_theme_default[];

/* The entry named name in table, or NULL. */
const struct syn_embedded *embed_find(const struct syn_embedded *table,
                                      const char *name);

#endif
