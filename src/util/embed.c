/* Lookup in embedded file tables (see embed.h). */
#include "util/embed.h"

#include <string.h>

const struct syn_embedded *
embed_find(const struct syn_embedded *table, const char *name)
{
    for (; table->name != NULL; table++) {
        if (strcmp(table->name, name) == 0)
            return table;
    }
    return NULL;
}
