/* Internal to src/feed/: the entities the XML reader answers to libxml2
 * itself, so that none is ever expanded by libxml2:
 *   - internal general entities the document declares, kept as their
 *     literal replacement text (never parsed again: no recursion, no
 *     billion laughs; external ones are never loaded);
 *   - HTML named entities (&nbsp; ...), undefined in XML but common;
 *   - any other name, kept as the text "&name;".
 * Each is handed to libxml2 as a predefined-type entity, whose content
 * libxml2 copies as character data. Bounded by SYN_MAX_XML_ENTITIES and
 * SYN_MAX_XML_ENTITY_BYTES. Thread rules: one per parse. */
#ifndef SYNDIC_FEED_XML_ENTITIES_H
#define SYNDIC_FEED_XML_ENTITIES_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/entities.h>

#include "util/compiler.h"
#include "util/err.h"
#include "util/limits.h"

struct lit_entity;

enum xml_ent_kind {
    XML_ENT_DECLARED, /* declared by the document */
    XML_ENT_HTML,     /* an HTML named entity */
    XML_ENT_UNKNOWN,  /* kept as "&name;" */
};

struct xml_entities {
    struct lit_entity **html; /* feed_entity_count() slots, lazy */
    struct lit_entity *decl[SYN_MAX_XML_ENTITIES];
    size_t n_decl;
    struct lit_entity *unknown[SYN_MAX_XML_ENTITIES];
    size_t n_unknown;
};

/* Release every entity (and the raw declaration text libxml2 may have
 * attached to one); e may then be reused zeroed. */
void xml_entities_fini(struct xml_entities *e);

/* Remember an internal entity declaration. SYN_ETOOBIG past the limits
 * (the declaration is ignored), SYN_ENOMEM. */
enum syn_status xml_entities_declare(struct xml_entities *e, const char *name,
                                     const char *content) SYN_NODISCARD;

/* The entity to answer for name, or NULL: past the limits (libxml2 then
 * reports the reference and drops it) or out of memory (*status is then
 * SYN_ENOMEM). *kind says which it is; *first_use is true the first time
 * an HTML or unknown name is answered, for the caller to report. */
xmlEntityPtr xml_entities_get(struct xml_entities *e, const char *name,
                              enum xml_ent_kind *kind, bool *first_use,
                              enum syn_status *status);

#endif
