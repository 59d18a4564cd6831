/* Entities answered to libxml2 by the XML reader (see xml_entities.h). */
#include "feed/xml_entities.h"

#include <stdio.h>
#include <string.h>

#include "feed/entities.h"
#include "util/mem.h"
#include "util/utf8.h"

/* Longest entity name kept; longer ones are left to libxml2. */
#define ENTITY_NAME_MAX 64

struct lit_entity {
    xmlEntity e;  /* e.name and e.content point into bytes below */
    char bytes[]; /* name NUL content NUL */
};

static struct lit_entity *
lit_new(const char *name, const char *content, size_t content_len)
{
    size_t name_len = strlen(name);
    struct lit_entity *le =
        syn_calloc(1, sizeof(*le) + name_len + 1 + content_len + 1);

    if (le == NULL)
        return NULL;
    memcpy(le->bytes, name, name_len);
    memcpy(le->bytes + name_len + 1, content, content_len);
    le->e.type = XML_ENTITY_DECL;
    le->e.name = (const xmlChar *)le->bytes;
    le->e.etype = XML_INTERNAL_PREDEFINED_ENTITY;
    le->e.content = (xmlChar *)le->bytes + name_len + 1;
    le->e.length = (int)content_len;
    return le;
}

/* libxml2 hands the raw text of a declaration to the entity getEntity
 * returned for it (e.orig, "ugly mechanism to save the raw entity value"
 * in parser.c): that string is then ours to free. */
static void
lit_free(struct lit_entity *le)
{
    if (le == NULL)
        return;
    if (le->e.orig != NULL) {
        xmlFree(le->e.orig);
    }
    syn_free(le);
}

void
xml_entities_fini(struct xml_entities *e)
{
    size_t i;

    for (i = 0; i < e->n_decl; i++) {
        lit_free(e->decl[i]);
    }
    for (i = 0; i < e->n_unknown; i++) {
        lit_free(e->unknown[i]);
    }
    if (e->html != NULL) {
        for (i = 0; i < feed_entity_count(); i++) {
            lit_free(e->html[i]);
        }
        syn_free(e->html);
    }
    memset(e, 0, sizeof(*e));
}

enum syn_status
xml_entities_declare(struct xml_entities *e, const char *name,
                     const char *content)
{
    size_t len = strlen(content);

    if (e->n_decl >= SYN_MAX_XML_ENTITIES || len > SYN_MAX_XML_ENTITY_BYTES ||
        strlen(name) > ENTITY_NAME_MAX)
        return SYN_ETOOBIG;
    e->decl[e->n_decl] = lit_new(name, content, len);
    if (e->decl[e->n_decl] == NULL)
        return SYN_ENOMEM;
    e->n_decl++;
    return SYN_OK;
}

static struct lit_entity *
find(struct lit_entity *const *v, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp((const char *)v[i]->e.name, name) == 0)
            return v[i];
    }
    return NULL;
}

xmlEntityPtr
xml_entities_get(struct xml_entities *e, const char *name,
                 enum xml_ent_kind *kind, bool *first_use,
                 enum syn_status *status)
{
    size_t len = strlen(name);
    struct lit_entity *le;
    long idx;

    *first_use = false;
    *kind = XML_ENT_DECLARED;
    if ((le = find(e->decl, e->n_decl, name)) != NULL)
        return &le->e;
    if ((idx = feed_entity_find(name, len)) >= 0) {
        *kind = XML_ENT_HTML;
        if (e->html == NULL) {
            e->html = syn_calloc(feed_entity_count(), sizeof(*e->html));
            if (e->html == NULL)
                goto nomem;
        }
        if (e->html[idx] == NULL) {
            char u[4];
            size_t n = utf8_encode(feed_entity_codepoint((size_t)idx), u);

            if ((e->html[idx] = lit_new(name, u, n)) == NULL)
                goto nomem;
            *first_use = true;
        }
        return &e->html[idx]->e;
    }
    *kind = XML_ENT_UNKNOWN;
    if ((le = find(e->unknown, e->n_unknown, name)) != NULL)
        return &le->e;
    if (len > ENTITY_NAME_MAX || e->n_unknown >= SYN_MAX_XML_ENTITIES)
        return NULL;
    {
        char text[ENTITY_NAME_MAX + 3];

        snprintf(text, sizeof(text), "&%s;", name);
        if ((le = lit_new(name, text, len + 2)) == NULL)
            goto nomem;
    }
    e->unknown[e->n_unknown++] = le;
    *first_use = true;
    return &le->e;
nomem:
    *status = SYN_ENOMEM;
    return NULL;
}
