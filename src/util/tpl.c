/* Template engine (see tpl.h). A template is compiled into a flat array of
 * nodes; a section node records where its body ends, so rendering is one
 * loop with recursion only into section bodies and partials. Names are
 * pre-split on dots at compile time. */
#include "util/tpl.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/ascii.h"
#include "util/limits.h"
#include "util/mem.h"

/* ---- data tree ---- */

enum tpl_kind {
    TPL_STR,
    TPL_BOOL,
    TPL_LIST,
    TPL_MAP,
};

struct tpl_val {
    enum tpl_kind kind;
    const char *key;       /* in a map: the key (arena); else NULL */
    struct tpl_val *next;  /* sibling in the parent map or list */
    const char *s;         /* TPL_STR: arena copy, NUL-terminated */
    size_t len;            /* TPL_STR: bytes; TPL_LIST: items */
    bool b;                /* TPL_BOOL */
    struct tpl_val *first; /* TPL_LIST, TPL_MAP: children */
    struct tpl_val *last;  /* TPL_LIST: tail, for appends in order */
};

static struct tpl_val *
val_new(struct tpl_tree *t, enum tpl_kind kind)
{
    struct tpl_val *v;

    if (t->failed)
        return NULL;
    v = arena_calloc(t->arena, sizeof(*v));
    if (v == NULL) {
        t->failed = true;
        return NULL;
    }
    v->kind = kind;
    return v;
}

void
tpl_tree_init(struct tpl_tree *t, struct arena *a)
{
    t->arena = a;
    t->failed = false;
    t->root = NULL;
    t->root = val_new(t, TPL_MAP);
}

/* Link v into map under key (newest first, so it shadows older keys). */
static struct tpl_val *
map_put(struct tpl_tree *t, struct tpl_val *map, const char *key,
        struct tpl_val *v)
{
    if (v == NULL)
        return NULL;
    v->key = arena_strdup(t->arena, key);
    if (v->key == NULL) {
        t->failed = true;
        return NULL;
    }
    v->next = map->first;
    map->first = v;
    return v;
}

static bool
is_map(const struct tpl_tree *t, const struct tpl_val *v)
{
    return !t->failed && v != NULL && v->kind == TPL_MAP;
}

struct tpl_val *
tpl_set_strn(struct tpl_tree *t, struct tpl_val *map, const char *key,
             const char *s, size_t n)
{
    struct tpl_val *v;

    if (!is_map(t, map) || s == NULL)
        return NULL;
    v = val_new(t, TPL_STR);
    if (v == NULL)
        return NULL;
    v->s = arena_strndup(t->arena, s, n);
    if (v->s == NULL) {
        t->failed = true;
        return NULL;
    }
    v->len = n;
    return map_put(t, map, key, v);
}

struct tpl_val *
tpl_set_str(struct tpl_tree *t, struct tpl_val *map, const char *key,
            const char *s)
{
    if (s == NULL)
        return NULL;
    return tpl_set_strn(t, map, key, s, strlen(s));
}

struct tpl_val *
tpl_set_long(struct tpl_tree *t, struct tpl_val *map, const char *key, long v)
{
    char num[32];
    int n = snprintf(num, sizeof(num), "%ld", v);

    if (n < 0 || (size_t)n >= sizeof(num))
        return NULL;
    return tpl_set_strn(t, map, key, num, (size_t)n);
}

struct tpl_val *
tpl_set_bool(struct tpl_tree *t, struct tpl_val *map, const char *key, bool b)
{
    struct tpl_val *v;

    if (!is_map(t, map))
        return NULL;
    v = val_new(t, TPL_BOOL);
    if (v != NULL) {
        v->b = b;
    }
    return map_put(t, map, key, v);
}

struct tpl_val *
tpl_set_map(struct tpl_tree *t, struct tpl_val *map, const char *key)
{
    if (!is_map(t, map))
        return NULL;
    return map_put(t, map, key, val_new(t, TPL_MAP));
}

struct tpl_val *
tpl_set_list(struct tpl_tree *t, struct tpl_val *map, const char *key)
{
    if (!is_map(t, map))
        return NULL;
    return map_put(t, map, key, val_new(t, TPL_LIST));
}

static struct tpl_val *
list_put(struct tpl_val *list, struct tpl_val *v)
{
    if (v == NULL)
        return NULL;
    if (list->last != NULL) {
        list->last->next = v;
    } else {
        list->first = v;
    }
    list->last = v;
    list->len++;
    return v;
}

struct tpl_val *
tpl_list_add_map(struct tpl_tree *t, struct tpl_val *list)
{
    if (t->failed || list == NULL || list->kind != TPL_LIST)
        return NULL;
    return list_put(list, val_new(t, TPL_MAP));
}

struct tpl_val *
tpl_list_add_str(struct tpl_tree *t, struct tpl_val *list, const char *s)
{
    struct tpl_val *v;

    if (t->failed || list == NULL || list->kind != TPL_LIST || s == NULL)
        return NULL;
    v = val_new(t, TPL_STR);
    if (v == NULL)
        return NULL;
    v->len = strlen(s);
    v->s = arena_strndup(t->arena, s, v->len);
    if (v->s == NULL) {
        t->failed = true;
        return NULL;
    }
    return list_put(list, v);
}

size_t
tpl_list_len(const struct tpl_val *list)
{
    return list != NULL && list->kind == TPL_LIST ? list->len : 0;
}

/* ---- compiled templates ---- */

enum node_kind {
    N_TEXT,
    N_VAR,      /* escaped */
    N_RAW,      /* unescaped */
    N_SECTION,  /* {{#name}} */
    N_INVERTED, /* {{^name}} */
    N_PARTIAL,
};

#define TPL_MAX_NAME_PARTS 8

struct name_part {
    const char *p; /* into the template's source copy */
    size_t len;
};

struct node {
    enum node_kind kind;
    unsigned line;    /* 1-based, for errors */
    const char *text; /* N_TEXT: into src; else the full name */
    size_t len;       /* bytes of text */
    struct name_part parts[TPL_MAX_NAME_PARTS];
    size_t n_parts;            /* 0 means "." (the current item) */
    size_t end;                /* sections: index after the body */
    const struct tpl *partial; /* N_PARTIAL after tpl_set_link() */
};

struct tpl {
    char *name;         /* owned */
    char *src;          /* owned copy of the source */
    struct node *nodes; /* owned */
    size_t n_nodes;
    size_t cap_nodes;
    struct tpl *next; /* in the set */
};

struct tpl_set {
    struct tpl *head; /* owned list */
};

struct tpl_set *
tpl_set_new(void)
{
    return syn_calloc(1, sizeof(struct tpl_set));
}

static void
tpl_free(struct tpl *t)
{
    if (t == NULL)
        return;
    syn_free(t->name);
    syn_free(t->src);
    syn_free(t->nodes);
    syn_free(t);
}

void
tpl_set_free(struct tpl_set *set)
{
    struct tpl *t, *next;

    if (set == NULL)
        return;
    for (t = set->head; t != NULL; t = next) {
        next = t->next;
        tpl_free(t);
    }
    syn_free(set);
}

static const struct tpl *
set_find(const struct tpl_set *set, const char *name, size_t len)
{
    const struct tpl *t;

    for (t = set->head; t != NULL; t = t->next) {
        if (strlen(t->name) == len && memcmp(t->name, name, len) == 0)
            return t;
    }
    return NULL;
}

bool
tpl_set_has(const struct tpl_set *set, const char *name)
{
    return set != NULL && set_find(set, name, strlen(name)) != NULL;
}

static struct node *
node_push(struct tpl *t, enum node_kind kind, unsigned line)
{
    struct node *n;

    if (t->n_nodes == t->cap_nodes) {
        size_t cap = t->cap_nodes ? t->cap_nodes * 2 : 32;
        struct node *nodes = syn_realloc(t->nodes, cap * sizeof(*nodes));

        if (nodes == NULL)
            return NULL;
        t->nodes = nodes;
        t->cap_nodes = cap;
    }
    n = &t->nodes[t->n_nodes++];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    n->line = line;
    return n;
}

/* Names are [A-Za-z0-9_-] parts joined by dots, or a single ".". */
static bool
name_char_ok(char c)
{
    return ascii_isalnum(c) || c == '_' || c == '-';
}

static enum syn_status
parse_name(struct tpl *t, struct node *n, const char *p, size_t len,
           struct syn_err *err)
{
    size_t i = 0, start = 0;

    n->text = p;
    n->len = len;
    n->n_parts = 0;
    if (len == 1 && p[0] == '.')
        return SYN_OK;
    if (len == 0)
        goto bad;
    for (i = 0; i <= len; i++) {
        if (i < len && name_char_ok(p[i]))
            continue;
        if (i < len && p[i] != '.')
            goto bad;
        if (i == start || n->n_parts == TPL_MAX_NAME_PARTS)
            goto bad;
        n->parts[n->n_parts].p = p + start;
        n->parts[n->n_parts].len = i - start;
        n->n_parts++;
        start = i + 1;
    }
    return SYN_OK;
bad:
    return syn_err_set(err, SYN_EPARSE, "%s:%u: bad name '%.*s'", t->name,
                       n->line, (int)(len > 60 ? 60 : len), p);
}

static unsigned
count_lines(const char *p, size_t len)
{
    unsigned n = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        n += p[i] == '\n';
    }
    return n;
}

static enum syn_status
add_text(struct tpl *t, const char *p, size_t len, unsigned line)
{
    struct node *n;

    if (len == 0)
        return SYN_OK;
    n = node_push(t, N_TEXT, line);
    if (n == NULL)
        return SYN_ENOMEM;
    n->text = p;
    n->len = len;
    return SYN_OK;
}

/* Compile t->src into t->nodes. */
static enum syn_status
compile(struct tpl *t, size_t len, struct syn_err *err)
{
    const char *src = t->src;
    size_t open[SYN_MAX_TPL_DEPTH]; /* indices of open section nodes */
    size_t depth = 0, pos = 0, ts = 0;
    unsigned line = 1, text_line = 1;
    enum syn_status st;

    while (pos < len) {
        const char *o = memchr(src + pos, '{', len - pos);
        size_t i, j, k, e, inner_s, inner_e;
        char sigil;
        bool triple = false, standalone;
        struct node *n;

        if (o == NULL)
            break;
        i = (size_t)(o - src);
        if (i + 1 >= len || src[i + 1] != '{') {
            pos = i + 1;
            continue;
        }
        line += count_lines(src + pos, i - pos);
        inner_s = i + 2;
        if (inner_s < len && src[inner_s] == '{') {
            triple = true;
            inner_s++;
        }
        {
            const char *c = NULL;
            size_t q;

            for (q = inner_s; q + 1 < len; q++) {
                if (src[q] == '}' && src[q + 1] == '}') {
                    c = src + q;
                    break;
                }
            }
            if (c == NULL)
                return syn_err_set(err, SYN_EPARSE, "%s:%u: unclosed tag",
                                   t->name, line);
            inner_e = (size_t)(c - src);
        }
        j = inner_e + 2;
        if (triple) {
            if (j >= len || src[j] != '}')
                return syn_err_set(err, SYN_EPARSE,
                                   "%s:%u: '{{{' closed by '}}' not '}}}'",
                                   t->name, line);
            j++;
        }
        sigil = triple ? '{' : src[inner_s];
        if (!triple && (sigil == '#' || sigil == '^' || sigil == '/' ||
                        sigil == '!' || sigil == '>' || sigil == '&')) {
            inner_s++;
        } else if (!triple) {
            sigil = 0;
        }
        while (inner_s < inner_e && ascii_isspace(src[inner_s])) {
            inner_s++;
        }
        while (inner_e > inner_s && ascii_isspace(src[inner_e - 1])) {
            inner_e--;
        }

        /* Standalone: only blanks around the tag on its line. */
        standalone = false;
        k = i;
        e = j;
        if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!' ||
            sigil == '>') {
            while (k > ts && (src[k - 1] == ' ' || src[k - 1] == '\t')) {
                k--;
            }
            while (e < len && (src[e] == ' ' || src[e] == '\t')) {
                e++;
            }
            if ((k == 0 || src[k - 1] == '\n') &&
                (e == len || src[e] == '\n' ||
                 (src[e] == '\r' && e + 1 < len && src[e + 1] == '\n'))) {
                standalone = true;
                if (e < len) {
                    e += src[e] == '\r' ? 2 : 1;
                }
            }
        }
        st = add_text(t, src + ts, (standalone ? k : i) - ts, text_line);
        if (st != SYN_OK)
            return syn_err_set(err, st, "%s: out of memory", t->name);
        line += count_lines(src + i, j - i);

        if (sigil == '!') {
            /* comment: nothing */
        } else if (sigil == '/') {
            const struct node *sec;

            if (depth == 0)
                return syn_err_set(
                    err, SYN_EPARSE, "%s:%u: '{{/%.*s}}' closes nothing",
                    t->name, line, (int)(inner_e - inner_s), src + inner_s);
            sec = &t->nodes[open[depth - 1]];
            if (sec->len != inner_e - inner_s ||
                memcmp(sec->text, src + inner_s, sec->len) != 0)
                return syn_err_set(err, SYN_EPARSE,
                                   "%s:%u: '{{/%.*s}}' closes section '%.*s' "
                                   "opened at line %u",
                                   t->name, line, (int)(inner_e - inner_s),
                                   src + inner_s, (int)sec->len, sec->text,
                                   sec->line);
            depth--;
            t->nodes[open[depth]].end = t->n_nodes;
        } else {
            enum node_kind kind = N_VAR;

            if (sigil == '#') {
                kind = N_SECTION;
            } else if (sigil == '^') {
                kind = N_INVERTED;
            } else if (sigil == '>') {
                kind = N_PARTIAL;
            } else if (sigil == '{' || sigil == '&') {
                kind = N_RAW;
            }
            n = node_push(t, kind, line);
            if (n == NULL)
                return syn_err_set(err, SYN_ENOMEM, "%s: out of memory",
                                   t->name);
            if (kind == N_PARTIAL) {
                n->text = src + inner_s;
                n->len = inner_e - inner_s;
                if (n->len == 0)
                    return syn_err_set(err, SYN_EPARSE,
                                       "%s:%u: empty partial name", t->name,
                                       line);
            } else {
                st = parse_name(t, n, src + inner_s, inner_e - inner_s, err);
                if (st != SYN_OK)
                    return st;
            }
            if (kind == N_SECTION || kind == N_INVERTED) {
                if (depth == SYN_MAX_TPL_DEPTH)
                    return syn_err_set(err, SYN_ETOOBIG,
                                       "%s:%u: sections nested deeper than %d",
                                       t->name, line, SYN_MAX_TPL_DEPTH);
                open[depth++] = t->n_nodes - 1;
            }
        }
        pos = standalone ? e : j;
        line += count_lines(src + j, pos - j);
        ts = pos;
        text_line = line;
    }
    if (depth > 0) {
        const struct node *sec = &t->nodes[open[depth - 1]];

        return syn_err_set(err, SYN_EPARSE, "%s:%u: unclosed section '%.*s'",
                           t->name, sec->line, (int)sec->len, sec->text);
    }
    st = add_text(t, src + ts, len - ts, text_line);
    if (st != SYN_OK)
        return syn_err_set(err, st, "%s: out of memory", t->name);
    return SYN_OK;
}

enum syn_status
tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t len,
            struct syn_err *err)
{
    struct tpl *t = NULL;
    enum syn_status st;

    if (len > SYN_MAX_TPL_BYTES)
        return syn_err_set(err, SYN_ETOOBIG,
                           "%s: template larger than %u "
                           "bytes",
                           name, (unsigned)SYN_MAX_TPL_BYTES);
    if (set_find(set, name, strlen(name)) != NULL)
        return syn_err_set(err, SYN_EEXIST, "%s: template defined twice", name);
    t = syn_calloc(1, sizeof(*t));
    if (t == NULL)
        goto nomem;
    t->name = syn_strdup(name);
    t->src = syn_strndup(src, len);
    if (t->name == NULL || t->src == NULL)
        goto nomem;
    st = compile(t, len, err);
    if (st != SYN_OK) {
        tpl_free(t);
        return st;
    }
    t->next = set->head;
    set->head = t;
    return SYN_OK;
nomem:
    tpl_free(t);
    return syn_err_set(err, SYN_ENOMEM, "%s: out of memory", name);
}

enum syn_status
tpl_set_link(struct tpl_set *set, struct syn_err *err)
{
    struct tpl *t;
    size_t i;

    for (t = set->head; t != NULL; t = t->next) {
        for (i = 0; i < t->n_nodes; i++) {
            struct node *n = &t->nodes[i];

            if (n->kind != N_PARTIAL)
                continue;
            n->partial = set_find(set, n->text, n->len);
            if (n->partial == NULL)
                return syn_err_set(err, SYN_ENOTFOUND,
                                   "%s:%u: no template '%.*s' for partial",
                                   t->name, n->line, (int)n->len, n->text);
        }
    }
    return SYN_OK;
}

/* ---- rendering ---- */

/* What an escape writes for byte c: NULL to keep it as it is. */
typedef const char *(*escape_fn)(unsigned char c);

/* Copy s[0..n) to out, runs of kept bytes at once, each other byte
 * replaced by what rep gives (maybe nothing). Inlined with each rep. */
static inline enum syn_status
escape_runs(struct buf *out, const char *s, size_t n, escape_fn rep)
{
    size_t i, run = 0;
    enum syn_status st;

    for (i = 0; i < n; i++) {
        const char *r = rep((unsigned char)s[i]);

        if (r == NULL)
            continue;
        if (i > run) {
            st = buf_append(out, s + run, i - run);
            if (st != SYN_OK)
                return st;
        }
        st = buf_append_str(out, r);
        if (st != SYN_OK)
            return st;
        run = i + 1;
    }
    if (n > run)
        return buf_append(out, s + run, n - run);
    return SYN_OK;
}

/* HTML/XML escaping. C0 controls other than tab, LF and CR are dropped:
 * they are invalid in XML 1.0 and useless in HTML. */
static inline const char *
html_rep(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? NULL : "";
    }
}

enum syn_status
tpl_escape_html(struct buf *out, const char *s, size_t n)
{
    return escape_runs(out, s, n, html_rep);
}

/* Plain text: C0 controls other than tab and LF dropped, nothing else
 * changed. */
static inline const char *
text_rep(unsigned char c)
{
    return c >= 0x20 || c == '\t' || c == '\n' ? NULL : "";
}

enum syn_status
tpl_escape_text(struct buf *out, const char *s, size_t n)
{
    return escape_runs(out, s, n, text_rep);
}

struct render {
    const struct tpl_val *stack[SYN_MAX_TPL_DEPTH + 1];
    size_t depth;      /* entries in stack */
    unsigned partials; /* nesting of partials */
    struct buf *out;
    struct syn_err *err;
    enum tpl_escape escape;
};

static const struct tpl_val *
map_get(const struct tpl_val *map, const struct name_part *part)
{
    const struct tpl_val *v;

    if (map == NULL || map->kind != TPL_MAP)
        return NULL;
    for (v = map->first; v != NULL; v = v->next) {
        if (strncmp(v->key, part->p, part->len) == 0 &&
            v->key[part->len] == '\0')
            return v;
    }
    return NULL;
}

static const struct tpl_val *
lookup(const struct render *r, const struct node *n)
{
    const struct tpl_val *v = NULL;
    size_t i;

    if (n->n_parts == 0)
        return r->depth > 0 ? r->stack[r->depth - 1] : NULL;
    for (i = r->depth; i > 0 && v == NULL; i--) {
        v = map_get(r->stack[i - 1], &n->parts[0]);
    }
    for (i = 1; i < n->n_parts && v != NULL; i++) {
        v = map_get(v, &n->parts[i]);
    }
    return v;
}

static bool
truthy(const struct tpl_val *v)
{
    if (v == NULL)
        return false;
    switch (v->kind) {
    case TPL_STR:
        return v->len > 0;
    case TPL_BOOL:
        return v->b;
    case TPL_LIST:
        return v->len > 0;
    case TPL_MAP:
        return true;
    }
    return false;
}

static enum syn_status render_range(struct render *r, const struct tpl *t,
                                    size_t from, size_t to);

static enum syn_status
render_body(struct render *r, const struct tpl *t, const struct node *n,
            size_t from, const struct tpl_val *push)
{
    enum syn_status st;

    if (push == NULL)
        return render_range(r, t, from, n->end);
    if (r->depth == SYN_ARRAY_LEN(r->stack))
        return syn_err_set(r->err, SYN_ETOOBIG,
                           "%s:%u: context deeper than "
                           "%d",
                           t->name, n->line, SYN_MAX_TPL_DEPTH);
    r->stack[r->depth++] = push;
    st = render_range(r, t, from, n->end);
    r->depth--;
    return st;
}

static enum syn_status
render_range(struct render *r, const struct tpl *t, size_t from, size_t to)
{
    size_t i = from;
    enum syn_status st = SYN_OK;

    while (i < to && st == SYN_OK) {
        const struct node *n = &t->nodes[i];
        const struct tpl_val *v;

        switch (n->kind) {
        case N_TEXT:
            st = buf_append(r->out, n->text, n->len);
            i++;
            break;
        case N_VAR:
        case N_RAW:
            v = lookup(r, n);
            if (v != NULL && v->kind == TPL_STR) {
                if (n->kind == N_VAR && r->escape == TPL_ESCAPE_TEXT) {
                    st = tpl_escape_text(r->out, v->s, v->len);
                } else if (n->kind == N_VAR) {
                    st = tpl_escape_html(r->out, v->s, v->len);
                } else {
                    st = buf_append(r->out, v->s, v->len);
                }
            } else if (v != NULL && v->kind == TPL_BOOL) {
                st = buf_append_str(r->out, v->b ? "true" : "false");
            }
            i++;
            break;
        case N_SECTION:
            v = lookup(r, n);
            if (v != NULL && v->kind == TPL_LIST) {
                const struct tpl_val *item;

                for (item = v->first; item != NULL && st == SYN_OK;
                     item = item->next) {
                    st = render_body(r, t, n, i + 1, item);
                }
            } else if (truthy(v)) {
                st = render_body(r, t, n, i + 1, v->kind == TPL_MAP ? v : NULL);
            }
            i = n->end;
            break;
        case N_INVERTED:
            if (!truthy(lookup(r, n))) {
                st = render_body(r, t, n, i + 1, NULL);
            }
            i = n->end;
            break;
        case N_PARTIAL:
            if (n->partial == NULL)
                return syn_err_set(r->err, SYN_ENOTFOUND,
                                   "%s:%u: partial '%.*s' not linked", t->name,
                                   n->line, (int)n->len, n->text);
            if (r->partials == SYN_MAX_TPL_DEPTH)
                return syn_err_set(r->err, SYN_ETOOBIG,
                                   "%s:%u: partials nested deeper than %d",
                                   t->name, n->line, SYN_MAX_TPL_DEPTH);
            r->partials++;
            st = render_range(r, n->partial, 0, n->partial->n_nodes);
            r->partials--;
            i++;
            break;
        }
    }
    if (st != SYN_OK && (r->err == NULL || r->err->code == SYN_OK)) {
        SYN_IGNORE(syn_err_set(r->err, st, "%s: rendering failed (%s)", t->name,
                               syn_strerror(st)));
    }
    return st;
}

enum syn_status
tpl_render(const struct tpl_set *set, const char *name,
           const struct tpl_tree *data, struct buf *out, struct syn_err *err)
{
    return tpl_render_as(set, name, data, TPL_ESCAPE_HTML, out, err);
}

enum syn_status
tpl_render_as(const struct tpl_set *set, const char *name,
              const struct tpl_tree *data, enum tpl_escape escape,
              struct buf *out, struct syn_err *err)
{
    struct render r;
    const struct tpl *t = set_find(set, name, strlen(name));

    if (t == NULL)
        return syn_err_set(err, SYN_ENOTFOUND, "no template '%s'", name);
    if (data != NULL && (data->failed || data->root == NULL))
        return syn_err_set(err, SYN_ENOMEM,
                           "%s: data tree incomplete "
                           "(out of memory)",
                           name);
    syn_err_clear(err);
    memset(&r, 0, sizeof(r));
    r.out = out;
    r.err = err;
    r.escape = escape;
    if (data != NULL) {
        r.stack[r.depth++] = data->root;
    }
    return render_range(&r, t, 0, t->n_nodes);
}
