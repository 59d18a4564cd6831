/* OPML import and export (see opml.h). The tree is walked recursively
 * with a depth bound; folder titles are kept on a stack so each feed gets
 * its ancestors as topics. */
#include "feed/opml.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "util/ascii.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/utf8.h"

struct opml_walk {
    struct opml_doc *doc;
    xmlDocPtr xml;
    const char *folders[SYN_MAX_OPML_DEPTH]; /* arena strings or NULL */
    size_t n_folders;
    struct syn_err *err;
};

/* Arena copy of s[0..len) as valid XML text: libxml2's recover mode lets
 * invalid bytes and the non-characters U+FFFE/U+FFFF through; they become
 * U+FFFD here, so what we export reads back the same. NULL on ENOMEM. */
static const char *
opml_dup(struct opml_doc *d, const char *s, size_t len)
{
    char *copy = arena_alloc(&d->arena, 3 * len + 1);
    size_t i = 0, o = 0;

    if (copy == NULL)
        return NULL;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);

        if (n == 0) {
            n = 1; /* cp is U+FFFD */
        }
        if (cp == 0xfffe || cp == 0xffff) {
            cp = 0xfffd;
        }
        i += n;
        /* U+FFFD is 3 bytes: at most 3 per input byte. */
        o += utf8_encode(cp, copy + o);
    }
    copy[o] = '\0';
    return copy;
}

static bool
opml_name_is(const xmlChar *name, const char *want)
{
    return name != NULL && str_casecmp((const char *)name, want) == 0;
}

/* Trimmed copy in the arena of attribute name (case-insensitive) of node,
 * NULL when absent or blank. *oom is set on allocation failure. */
static const char *
opml_attr(struct opml_walk *w, xmlNodePtr node, const char *name, bool *oom)
{
    xmlAttrPtr a;

    for (a = node->properties; a != NULL; a = a->next) {
        xmlChar *v;
        struct str s;
        const char *copy;

        if (!opml_name_is(a->name, name))
            continue;
        v = xmlNodeListGetString(w->xml, a->children, 1);
        if (v == NULL)
            return NULL;
        s = str_trim(str_from_cstr((const char *)v));
        copy = NULL;
        if (s.len > 0) {
            copy = opml_dup(w->doc, s.p, s.len);
            if (copy == NULL) {
                *oom = true;
            }
        }
        xmlFree(v);
        return copy;
    }
    return NULL;
}

/* Append topic t[0..len) to list unless blank or already there. */
static enum syn_status
opml_topic_add(struct opml_walk *w, const char **list, size_t *n, const char *t,
               size_t len)
{
    struct str s = str_trim((struct str){t, len});
    size_t i;

    if (s.len == 0)
        return SYN_OK;
    if (*n >= SYN_MAX_ITEM_LIST)
        return SYN_OK; /* NOTE: truncates, SYN_MAX_ITEM_LIST */
    for (i = 0; i < *n; i++) {
        if (strlen(list[i]) == s.len && str_ncasecmp(list[i], s.p, s.len) == 0)
            return SYN_OK;
    }
    list[*n] = arena_strndup(&w->doc->arena, s.p, s.len);
    if (list[*n] == NULL)
        return SYN_ENOMEM;
    (*n)++;
    return SYN_OK;
}

static enum syn_status
opml_add_feed(struct opml_walk *w, xmlNodePtr node, const char *xml_url)
{
    struct opml_doc *d = w->doc;
    struct opml_feed *f;
    const char *cat, *p;
    const char **topics;
    size_t n = 0, i;
    bool oom = false;
    enum syn_status st = SYN_OK;

    if (d->n_feeds >= SYN_MAX_OPML_FEEDS)
        return syn_err_set(w->err, SYN_ETOOBIG, "more than %d feeds",
                           SYN_MAX_OPML_FEEDS);
    if (d->n_feeds == d->cap_feeds) {
        size_t cap = d->cap_feeds == 0 ? 32 : d->cap_feeds * 2;
        struct opml_feed *nf = syn_realloc(d->feeds, cap * sizeof(*nf));

        if (nf == NULL)
            return SYN_ENOMEM;
        d->feeds = nf;
        d->cap_feeds = cap;
    }
    f = &d->feeds[d->n_feeds];
    memset(f, 0, sizeof(*f));
    f->xml_url = xml_url;
    f->html_url = opml_attr(w, node, "htmlUrl", &oom);
    f->title = opml_attr(w, node, "title", &oom);
    if (f->title == NULL) {
        f->title = opml_attr(w, node, "text", &oom);
    }
    /* Exporters (ours included) put the URL in the required text
     * attribute when there is no title: that is no title. */
    if (f->title != NULL && strcmp(f->title, xml_url) == 0) {
        f->title = NULL;
    }
    cat = opml_attr(w, node, "category", &oom);
    if (oom)
        return SYN_ENOMEM;
    topics = arena_alloc(&d->arena, SYN_MAX_ITEM_LIST * sizeof(*topics));
    if (topics == NULL)
        return SYN_ENOMEM;
    for (i = 0; i < w->n_folders && st == SYN_OK; i++) {
        if (w->folders[i] != NULL) {
            st = opml_topic_add(w, topics, &n, w->folders[i],
                                strlen(w->folders[i]));
        }
    }
    /* category="/Boston/Weather,news": entries are paths; keep the leaf. */
    for (p = cat; p != NULL && *p != '\0' && st == SYN_OK;) {
        const char *end = strchr(p, ',');
        const char *leaf = p, *q;

        if (end == NULL) {
            end = p + strlen(p);
        }
        for (q = p; q < end; q++) {
            if (*q == '/' && q + 1 < end) {
                leaf = q + 1;
            }
        }
        q = end;
        while (q > leaf && q[-1] == '/') {
            q--;
        }
        st = opml_topic_add(w, topics, &n, leaf, (size_t)(q - leaf));
        p = *end == ',' ? end + 1 : end;
    }
    if (st != SYN_OK)
        return st;
    f->topics = topics;
    f->n_topics = n;
    d->n_feeds++;
    return SYN_OK;
}

static enum syn_status
opml_walk_outlines(struct opml_walk *w, xmlNodePtr parent, size_t depth)
{
    xmlNodePtr c;
    enum syn_status st;

    if (depth >= SYN_MAX_OPML_DEPTH)
        return syn_err_set(w->err, SYN_ETOOBIG,
                           "outlines nested deeper than %d",
                           SYN_MAX_OPML_DEPTH);
    for (c = parent->children; c != NULL; c = c->next) {
        const char *url, *folder;
        bool oom = false;

        if (c->type != XML_ELEMENT_NODE || !opml_name_is(c->name, "outline"))
            continue;
        url = opml_attr(w, c, "xmlUrl", &oom);
        if (oom)
            return SYN_ENOMEM;
        if (url != NULL) {
            st = opml_add_feed(w, c, url);
            if (st != SYN_OK)
                return st;
            continue;
        }
        folder = opml_attr(w, c, "title", &oom);
        if (folder == NULL) {
            folder = opml_attr(w, c, "text", &oom);
        }
        if (oom)
            return SYN_ENOMEM;
        w->folders[w->n_folders++] = folder;
        st = opml_walk_outlines(w, c, depth + 1);
        w->n_folders--;
        if (st != SYN_OK)
            return st;
    }
    return SYN_OK;
}

static xmlNodePtr
opml_child(xmlNodePtr parent, const char *name)
{
    xmlNodePtr c;

    for (c = parent->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && opml_name_is(c->name, name))
            return c;
    }
    return NULL;
}

/* True when buf holds "<!ENTITY" (any case, as a DTD keyword is not). */
static bool
opml_declares_entities(const char *buf, size_t len)
{
    static const char kw[] = "<!ENTITY";
    size_t i;

    for (i = 0; i + sizeof(kw) - 1 <= len; i++) {
        if (buf[i] == '<' && memcmp(buf + i, kw, sizeof(kw) - 1) == 0)
            return true;
    }
    return false;
}

enum syn_status
opml_parse(const char *buf, size_t len, struct opml_doc **out,
           struct syn_err *err)
{
    const int options = XML_PARSE_NONET | XML_PARSE_RECOVER |
                        XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                        XML_PARSE_NOCDATA;
    struct opml_walk *w = NULL;
    struct opml_doc *doc = NULL;
    xmlDocPtr xml = NULL;
    xmlNodePtr root, head, body, title;
    enum syn_status st = SYN_OK;

    if (len > SYN_MAX_OPML_BYTES)
        return syn_err_set(err, SYN_ETOOBIG, "OPML larger than %u bytes",
                           SYN_MAX_OPML_BYTES);
    if (opml_declares_entities(buf, len))
        return syn_err_set(err, SYN_EDENIED, "OPML declares entities; refused");
    doc = syn_calloc(1, sizeof(*doc));
    w = syn_calloc(1, sizeof(*w));
    if (doc == NULL || w == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto out;
    }
    arena_init(&doc->arena, 16384, 0);
    xml = xmlReadMemory(buf, (int)len, NULL, NULL, options);
    root = xml != NULL ? xmlDocGetRootElement(xml) : NULL;
    if (root == NULL || !opml_name_is(root->name, "opml")) {
        st = syn_err_set(err, SYN_EPARSE, "not an OPML document");
        goto out;
    }
    body = opml_child(root, "body");
    if (body == NULL) {
        st = syn_err_set(err, SYN_EPARSE, "OPML without <body>");
        goto out;
    }
    w->doc = doc;
    w->xml = xml;
    w->err = err;
    head = opml_child(root, "head");
    title = head != NULL ? opml_child(head, "title") : NULL;
    if (title != NULL) {
        xmlChar *t = xmlNodeGetContent(title);

        if (t != NULL) {
            struct str s = str_trim(str_from_cstr((const char *)t));

            if (s.len > 0) {
                doc->title = opml_dup(doc, s.p, s.len);
                if (doc->title == NULL) {
                    st = SYN_ENOMEM;
                }
            }
            xmlFree(t);
        }
    }
    if (st == SYN_OK) {
        st = opml_walk_outlines(w, body, 0);
    }
    if (st == SYN_ENOMEM) {
        syn_err_set(err, st, "out of memory");
    }
    if (st == SYN_OK) {
        *out = doc;
        doc = NULL;
    }
out:
    xmlFreeDoc(xml);
    syn_free(w);
    opml_free(doc);
    return st;
}

void
opml_free(struct opml_doc *doc)
{
    if (doc == NULL)
        return;
    syn_free(doc->feeds);
    arena_fini(&doc->arena);
    syn_free(doc);
}

/* Append s escaped for a double-quoted XML attribute; with topic, ',' and
 * '/' become '-'. */
static enum syn_status
opml_escape(struct buf *b, const char *s, bool topic)
{
    size_t len = strlen(s), i = 0;
    enum syn_status st = SYN_OK;

    while (i < len && st == SYN_OK) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t n;

        if (c >= 0x80) {
            char enc[4];

            n = utf8_decode(s + i, len - i, &cp);
            if (n == 0) {
                n = 1; /* cp is U+FFFD */
            }
            i += n;
            /* XML 1.0 excludes U+FFFE and U+FFFF. */
            if (cp == 0xfffe || cp == 0xffff)
                continue;
            st = buf_append(b, enc, utf8_encode(cp, enc));
            continue;
        }
        i++;
        switch (c) {
        case '&':
            st = buf_append_str(b, "&amp;");
            break;
        case '<':
            st = buf_append_str(b, "&lt;");
            break;
        case '>':
            st = buf_append_str(b, "&gt;");
            break;
        case '"':
            st = buf_append_str(b, "&quot;");
            break;
        case '\t':
            st = buf_append_str(b, "&#9;");
            break;
        case '\n':
            st = buf_append_str(b, "&#10;");
            break;
        case '\r':
            st = buf_append_str(b, "&#13;");
            break;
        default:
            if (c < 0x20)
                break; /* not allowed in XML 1.0 (DEL is) */
            if (topic && (c == ',' || c == '/')) {
                c = '-';
            }
            st = buf_append_char(b, (char)c);
        }
    }
    return st;
}

static enum syn_status
opml_attr_out(struct buf *b, const char *name, const char *value)
{
    enum syn_status st;

    if (value == NULL)
        return SYN_OK;
    st = buf_printf(b, " %s=\"", name);
    if (st == SYN_OK) {
        st = opml_escape(b, value, false);
    }
    if (st == SYN_OK) {
        st = buf_append_char(b, '"');
    }
    return st;
}

enum syn_status
opml_export(const struct opml_feed *feeds, size_t n, const char *title,
            struct buf *out, struct syn_err *err)
{
    enum syn_status st;
    size_t i, k;

    st = buf_append_str(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<opml version=\"2.0\">\n<head>\n<title>");
    if (st == SYN_OK && title != NULL) {
        st = opml_escape(out, title, false);
    }
    if (st == SYN_OK) {
        st = buf_append_str(out, "</title>\n</head>\n<body>\n");
    }
    for (i = 0; i < n && st == SYN_OK; i++) {
        const struct opml_feed *f = &feeds[i];
        const char *text = f->title != NULL ? f->title : f->xml_url;

        st = buf_append_str(out, "<outline type=\"rss\"");
        if (st == SYN_OK) {
            st = opml_attr_out(out, "text", text);
        }
        if (st == SYN_OK) {
            st = opml_attr_out(out, "title", f->title);
        }
        if (st == SYN_OK) {
            st = opml_attr_out(out, "xmlUrl", f->xml_url);
        }
        if (st == SYN_OK) {
            st = opml_attr_out(out, "htmlUrl", f->html_url);
        }
        if (st == SYN_OK && f->n_topics > 0) {
            st = buf_append_str(out, " category=\"");
            for (k = 0; k < f->n_topics && st == SYN_OK; k++) {
                if (k > 0) {
                    st = buf_append_char(out, ',');
                }
                if (st == SYN_OK) {
                    st = opml_escape(out, f->topics[k], true);
                }
            }
            if (st == SYN_OK) {
                st = buf_append_char(out, '"');
            }
        }
        if (st == SYN_OK) {
            st = buf_append_str(out, "/>\n");
        }
    }
    if (st == SYN_OK) {
        st = buf_append_str(out, "</body>\n</opml>\n");
    }
    if (st != SYN_OK)
        return syn_err_set(err, st,
                           st == SYN_ETOOBIG ? "OPML export too large"
                                             : "out of memory");
    return SYN_OK;
}
