/* A small mustache-like template engine, used by web/ (pages, feeds out) and
 * mail/ (digests): both render theme templates and may not call each other.
 *
 * Syntax (a subset of mustache, no delimiter changes, no lambdas):
 *   {{name}}         value, HTML-escaped (& < > " ' ; C0 controls dropped,
 *                    which also keeps the output valid XML 1.0); with
 *                    tpl_render_as(TPL_ESCAPE_TEXT) only controls dropped
 *   {{{name}}} {{&name}}  value unescaped: only for stored sanitized HTML
 *                    (struct safe_html) and JSON built by jansson
 *   {{#name}}..{{/name}}  a list: once per item, the item on top of the
 *                    context stack; a map: once, the map pushed; a true
 *                    boolean, a non-empty string or number: once
 *   {{^name}}..{{/name}}  once when name is missing, false, "" or []
 *   {{>file.html}}   another template of the same set, by file name
 *   {{! comment }}   nothing
 *   a.b.c            dotted names: `a` is looked up from the top of the
 *                    context stack down, then b and c inside it; `.` is the
 *                    current item (a list of strings).
 * Lines holding only a section, inverted, closing, comment or partial tag
 * produce nothing ("standalone" tags, as in mustache), so templates can
 * be indented freely.
 *
 * Data passed to templates is a small tree of our own (struct tpl_val):
 * jansson stays out of this header. Trees are built in a caller's arena;
 * builders never fail one by one: on ENOMEM they return NULL and set
 * tree->failed, every builder accepts a NULL parent, and tpl_render()
 * refuses a failed tree with SYN_ENOMEM. Strings are copied into the arena.
 *
 * A tpl_set holds compiled templates (compiled once, at load); after
 * tpl_set_link() it is read-only and may be shared by any number of threads.
 * Errors name the template and line: "article.html:12: unclosed section
 * 'items'". Limits: SYN_MAX_TPL_BYTES per template, SYN_MAX_TPL_DEPTH for
 * section nesting and partial recursion. */
#ifndef SYNDIC_UTIL_TPL_H
#define SYNDIC_UTIL_TPL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

/* ---- data tree ---- */

struct tpl_val; /* opaque; nodes live in the tree's arena */

struct tpl_tree {
    struct arena *arena;  /* borrowed; owns every node and string */
    struct tpl_val *root; /* a map */
    bool failed;          /* an allocation failed while building */
};

/* Start a tree whose root is an empty map (tree->failed on ENOMEM). */
void tpl_tree_init(struct tpl_tree *t, struct arena *a);

/* Set key in map (a later set of the same key shadows the earlier one).
 * s == NULL sets nothing. Return the new value node or NULL. */
struct tpl_val *tpl_set_str(struct tpl_tree *t, struct tpl_val *map,
                            const char *key, const char *s);
struct tpl_val *tpl_set_strn(struct tpl_tree *t, struct tpl_val *map,
                             const char *key, const char *s, size_t n);
struct tpl_val *tpl_set_long(struct tpl_tree *t, struct tpl_val *map,
                             const char *key, long v);
struct tpl_val *tpl_set_bool(struct tpl_tree *t, struct tpl_val *map,
                             const char *key, bool v);
/* A new empty map / list under key; returned for filling. */
struct tpl_val *tpl_set_map(struct tpl_tree *t, struct tpl_val *map,
                            const char *key);
struct tpl_val *tpl_set_list(struct tpl_tree *t, struct tpl_val *map,
                             const char *key);
/* Append a new empty map / a string to list. */
struct tpl_val *tpl_list_add_map(struct tpl_tree *t, struct tpl_val *list);
struct tpl_val *tpl_list_add_str(struct tpl_tree *t, struct tpl_val *list,
                                 const char *s);
/* Items in a list (0 for NULL or a non-list). */
size_t tpl_list_len(const struct tpl_val *list);

/* ---- templates ---- */

struct tpl_set;

/* An empty set; caller frees with tpl_set_free(). NULL on ENOMEM. */
struct tpl_set *tpl_set_new(void) SYN_NODISCARD;
void tpl_set_free(struct tpl_set *set);

/* Compile src[0..len) as template `name` (copied) and add it to set.
 * SYN_EPARSE with "name:line: what" for a syntax error, SYN_ETOOBIG past
 * SYN_MAX_TPL_BYTES or SYN_MAX_TPL_DEPTH, SYN_EEXIST for a duplicate name,
 * SYN_ENOMEM. The set is unchanged on failure. */
enum syn_status tpl_set_add(struct tpl_set *set, const char *name,
                            const char *src, size_t len,
                            struct syn_err *err) SYN_NODISCARD;

/* Resolve every {{>partial}}; call once after the last tpl_set_add().
 * SYN_ENOTFOUND "name:line: no template 'x' for partial". */
enum syn_status tpl_set_link(struct tpl_set *set,
                             struct syn_err *err) SYN_NODISCARD;

/* True when the set holds a template called name. */
bool tpl_set_has(const struct tpl_set *set, const char *name);

/* Render template name with data (may be NULL) appended to out.
 * SYN_ENOTFOUND for an unknown name, SYN_ENOMEM for a failed tree,
 * SYN_ETOOBIG past out's max or SYN_MAX_TPL_DEPTH. On failure out may hold
 * a partial rendering: callers discard it. Thread-safe on a linked set. */
enum syn_status tpl_render(const struct tpl_set *set, const char *name,
                           const struct tpl_tree *data, struct buf *out,
                           struct syn_err *err) SYN_NODISCARD;

/* What {{name}} does to a value; {{{name}}} and {{&name}} are always raw. */
enum tpl_escape {
    TPL_ESCAPE_HTML = 0, /* HTML-escaped (pages, feeds, HTML mail) */
    TPL_ESCAPE_TEXT,     /* as it is minus C0 controls other than tab and
                            LF (plain-text mail: no entities, no stray CR) */
};

/* tpl_render() with the given meaning of {{name}} (partials included). */
enum syn_status tpl_render_as(const struct tpl_set *set, const char *name,
                              const struct tpl_tree *data,
                              enum tpl_escape escape, struct buf *out,
                              struct syn_err *err) SYN_NODISCARD;

/* Append s[0..n) to out as {{var}} does under TPL_ESCAPE_TEXT. */
enum syn_status tpl_escape_text(struct buf *out, const char *s,
                                size_t n) SYN_NODISCARD;

/* Append s[0..n) to out HTML-escaped as {{var}} does. */
enum syn_status tpl_escape_html(struct buf *out, const char *s,
                                size_t n) SYN_NODISCARD;

#endif
