/* The XML feed reader: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 in one streaming
 * pass of libxml2's SAX2 parser (see parse.h for what it tolerates).
 *
 * Data flow: libxml2 calls start/end/characters; each element is named by
 * (namespace, lower-cased local name) and dispatched on the context of its
 * parent (document root, channel/feed, item/entry, image, author, media
 * group); elements we do not know are skipped with their subtree, so a
 * <title> inside <source> or <textinput> never overrides the item's. A
 * field element starts a capture: its text (and, for HTML and XHTML
 * content, its child elements re-serialized as markup) is collected in one
 * buffer and stored at its end tag.
 *
 * Safety: XML_PARSE_NONET, never NOENT/DTDLOAD/HUGE. Entities: undefined
 * names that HTML defines are answered from feed/entities.c, and internal
 * entity declarations are kept as literal replacement text (never parsed
 * again, so they cannot expand recursively). Depth, attributes, items and
 * field sizes are bounded (util/limits.h).
 * Specs: RSS 2.0.11 (rssboard.org), RSS 1.0 and its dc/content/syndication
 * modules, RFC 4287 (Atom 1.0), Atom 0.3 draft, Media RSS 1.5, iTunes
 * podcast tags, XML Base, xml:lang; Microsoft's CDF as far as feedparser
 * reads it (link, date and abstract of channel and items). */
#include "feed/build.h"

#include <string.h>

#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "feed/entities.h"
#include "feed/xml_entities.h"
#include "feed/parse.h"
#include "feed/xml_names.h"
#include "util/ascii.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

/* Context of an element: decides how its children are dispatched. */
enum ctx {
    C_DOC = 0,
    C_ROOT,    /* <rss> or <rdf:RDF> */
    C_FEED,    /* <channel>, Atom <feed> */
    C_ITEM,    /* <item>, <entry> */
    C_IMAGE,   /* RSS <image> */
    C_AUTHOR,  /* Atom <author> */
    C_MGROUP,  /* <media:group> */
    C_ICAT,    /* <itunes:category>, which nests subcategories */
    C_SOURCE,  /* Atom <source> in an entry: only its authors are read */
    C_SKIP,    /* unknown subtree */
    C_CAPTURE, /* inside a field being captured */
};

/* Which text of an item its language is taken from, by rank. */
enum text_rank {
    TEXT_NONE = 0,
    TEXT_TITLE,
    TEXT_SUMMARY,
    TEXT_CONTENT,
};

enum field {
    F_NONE = 0,
    F_FEED_TITLE,
    F_FEED_LINK,
    F_FEED_DESC,
    F_FEED_DESC_WEAK, /* itunes:subtitle/summary: until a description */
    F_FEED_LANG,
    F_FEED_UPDATED,
    F_FEED_IMAGE,
    F_FEED_ICON,
    F_TTL,
    F_SY_PERIOD,
    F_SY_FREQ,
    F_TITLE,
    F_LINK,
    F_SUMMARY,
    F_WEAK_SUMMARY, /* itunes:summary, media:description: until a summary */
    F_WEAK_TITLE,   /* media:title: until a title */
    F_CONTENT,
    F_GUID,
    F_ID,
    F_PUBLISHED,
    F_UPDATED,
    F_AUTHOR,
    F_AUTHOR_RSS,
    F_AUTHOR_NAME,
    F_AUTHOR_EMAIL,
    F_CATEGORY,
    F_ITEM_LANG,
};

enum mode {
    M_TEXT = 0, /* plain text: child tags dropped */
    M_HTML,     /* HTML source: text raw, child elements re-serialized */
    M_XHTML,    /* XHTML: text escaped, child elements re-serialized */
};

#define DEPTH_CAP (SYN_MAX_XML_DEPTH + 2)
#define NAME_CACHE 64

struct xml_state {
    struct feed_builder *fb;
    xmlParserCtxtPtr ctxt;
    int depth;
    unsigned char ctx_at[DEPTH_CAP];
    const char *base_at[DEPTH_CAP]; /* effective xml:base; arena strings */
    const char *lang_at[DEPTH_CAP]; /* effective xml:lang */
    bool root_seen;
    bool is_atom;
    bool cdf;                /* root <channel>: CDF (or headless RSS) */
    const xmlChar *root_uri; /* namespace of an unknown-namespace root */
    /* capture */
    int cap_depth; /* 0: not capturing */
    enum field field;
    enum mode mode;
    int skip_div_depth; /* XHTML wrapper <div> whose tags are dropped */
    bool cap_child_seen;
    bool cap_truncated;
    bool title_plain; /* M_TEXT title from Atom: no entity decoding */
    bool strip_div;   /* Atom xhtml: drop the wrapper <div> */
    bool base64;      /* Atom 0.3 mode="base64": decode at the end */
    struct buf text;
    struct buf scratch;      /* titles: tags stripped, entities decoded */
    struct buf attr_bufs[4]; /* ATTR_BUFS */
    unsigned attr_next;
    /* item extras */
    const char *guid_link;   /* isPermaLink guid, the url fallback */
    bool summary_weak;       /* summary from itunes:summary or media: */
    bool title_weak;         /* title came from media:title */
    bool feed_desc_weak;     /* description came from itunes:subtitle */
    bool url_from_alternate; /* url from an Atom alternate link */
    const char *author_name, *author_email;
    bool author_in_source;   /* the open <author> is in <source> */
    bool double_escape_seen; /* reported once per document */
    const char *src_authors[SYN_MAX_ITEM_LIST]; /* the entry's <source>; arena
                                                   strings */
    size_t n_src_authors;
    int item_depth;        /* depth of the current item element */
    const char *text_lang; /* effective xml:lang of the item's main text */
    enum text_rank text_lang_prio; /* of text_lang */
    bool text_lang_own;            /* text_lang was declared inside the item */
    /* entities */
    struct xml_entities ents;
    /* name -> token cache keyed by libxml2's interned name pointers */
    const xmlChar *cache_name[NAME_CACHE];
    unsigned char cache_tok[NAME_CACHE];
    const xmlChar *ns_uri[16];
    unsigned char ns_id[16];
    size_t n_ns;
};

static long
line_of(struct xml_state *st)
{
    return st->ctxt != NULL ? (long)xmlSAX2GetLineNumber(st->ctxt) : 0;
}

static void
stop(struct xml_state *st)
{
    if (st->ctxt != NULL) {
        xmlStopParser(st->ctxt);
    }
}

static enum xml_tok
name_tok(struct xml_state *st, const xmlChar *name)
{
    size_t h = ((size_t)name >> 4) % NAME_CACHE;

    if (st->cache_name[h] != name) {
        st->cache_name[h] = name;
        st->cache_tok[h] = (unsigned char)xml_tok_lookup((const char *)name);
    }
    return (enum xml_tok)st->cache_tok[h];
}

/* Namespace of an element; an undeclared prefix is recognized by its
 * conventional name (feeds forget xmlns:dc and friends). */
static enum xml_ns
elem_ns(struct xml_state *st, const xmlChar *prefix, const xmlChar *uri)
{
    static const struct {
        const char *prefix;
        enum xml_ns ns;
    } prefixes[] = {
        {"dc", NS_DC},       {"dcterms", NS_DCTERMS}, {"content", NS_CONTENT},
        {"media", NS_MEDIA}, {"itunes", NS_ITUNES},   {"sy", NS_SY},
        {"atom", NS_ATOM10}, {"rdf", NS_RDF},         {"xhtml", NS_XHTML},
    };
    size_t i;
    enum xml_ns ns;

    if (uri != NULL && uri == st->root_uri)
        return NS_RSS; /* a feed in an unknown namespace: its own is core */
    if (uri == NULL) {
        if (prefix == NULL)
            return NS_RSS;
        for (i = 0; i < SYN_ARRAY_LEN(prefixes); i++) {
            if (str_casecmp((const char *)prefix, prefixes[i].prefix) == 0)
                return prefixes[i].ns;
        }
        return NS_OTHER;
    }
    for (i = 0; i < st->n_ns; i++) {
        if (st->ns_uri[i] == uri)
            return (enum xml_ns)st->ns_id[i];
    }
    ns = xml_ns_by_uri((const char *)uri);
    if (st->n_ns < SYN_ARRAY_LEN(st->ns_uri)) {
        st->ns_uri[st->n_ns] = uri;
        st->ns_id[st->n_ns] = (unsigned char)ns;
        st->n_ns++;
    }
    return ns;
}

/* Attribute value slice: libxml2 gives 5 pointers per attribute (local,
 * prefix, URI, value, end). Without entity substitution it writes every
 * '&' of a value as "&#38;" (for a tree builder to re-parse); undo that,
 * into one of a few rotating buffers so that several values can be held
 * at once. */
#define ATTR_BUFS 4

static struct str
attr_value(struct xml_state *st, const xmlChar **a)
{
    struct str v = {(const char *)a[3], (size_t)(a[4] - a[3])};
    struct buf *b;
    size_t i, run = 0;

    if (!fb_utf8_clean(v.p, v.len)) {
        /* an HTML entity in an attribute comes back as the first byte of
         * its UTF-8 form (libxml2 copies one byte of a predefined
         * entity): repair, so that attributes hold valid UTF-8 too */
        b = &st->attr_bufs[st->attr_next++ % ATTR_BUFS];
        buf_reset(b);
        if (utf8_append_valid(b, v.p, v.len) != SYN_OK)
            return (struct str){"", 0};
        v.p = buf_cstr(b);
        v.len = b->len;
    }
    if (v.len == 0 || memchr(v.p, '&', v.len) == NULL)
        return v;
    b = &st->attr_bufs[st->attr_next++ % ATTR_BUFS];
    buf_reset(b);
    for (i = 0; i + 5 <= v.len; i++) {
        if (memcmp(v.p + i, "&#38;", 5) != 0)
            continue;
        if (buf_append(b, v.p + run, i - run + 1) != SYN_OK)
            return v;
        i += 4;
        run = i + 1;
    }
    if (buf_append(b, v.p + run, v.len - run) != SYN_OK)
        return v;
    v.p = buf_cstr(b);
    v.len = b->len;
    return v;
}

/* Attribute by local name (ASCII case-insensitive), or an empty slice. */
static struct str
attr_get(struct xml_state *st, int n, const xmlChar **attrs, const char *name)
{
    struct str r = {NULL, 0};
    int i;

    for (i = 0; i < n; i++) {
        if (str_casecmp((const char *)attrs[5 * i], name) == 0)
            return attr_value(st, attrs + 5 * i);
    }
    return r;
}

static int64_t
parse_length(struct str s)
{
    char tmp[24];
    long v;

    s = str_trim(s);
    if (s.len == 0 || s.len >= sizeof(tmp))
        return -1;
    memcpy(tmp, s.p, s.len);
    tmp[s.len] = '\0';
    if (str_to_long(tmp, 0, 0x7fffffffffffffffL, &v) != SYN_OK)
        return -1;
    return v;
}

static const char *
base_here(struct xml_state *st)
{
    return st->base_at[st->depth];
}

/* --- capture ----------------------------------------------------------- */

static void
cap_begin(struct xml_state *st, enum field f, enum mode m)
{
    st->cap_depth = st->depth;
    st->field = f;
    st->mode = m;
    st->skip_div_depth = 0;
    st->cap_child_seen = false;
    st->cap_truncated = false;
    st->title_plain = false;
    st->strip_div = false;
    st->base64 = false;
    buf_reset(&st->text);
    st->ctx_at[st->depth] = C_CAPTURE;
}

static void
cap_append(struct xml_state *st, const char *s, size_t len)
{
    enum syn_status rc;

    if (st->cap_truncated)
        return;
    rc = buf_append(&st->text, s, len);
    if (rc == SYN_ETOOBIG) {
        /* NOTE: truncates, SYN_MAX_FIELD_BYTES: keep what fits */
        size_t room = st->text.max - st->text.len;

        st->cap_truncated = true;
        rc =
            buf_append(&st->text, s, utf8_boundary(s, room < len ? room : len));
        if (rc != SYN_OK) {
            fb_fail(st->fb, rc, "out of memory");
            stop(st);
            return;
        }
        fb_problem(st->fb, line_of(st), "field longer than %u bytes truncated",
                   SYN_MAX_FIELD_BYTES);
    } else if (rc != SYN_OK) {
        fb_fail(st->fb, rc, "out of memory");
        stop(st);
    }
}

/* Append text escaped for HTML (& < > and " for attributes). s may be
 * libxml2's input, which stop() frees: the loop ends with the parse. */
static void
cap_escaped(struct xml_state *st, const char *s, size_t len)
{
    size_t i, run = 0;

    for (i = 0; i < len && st->fb->status == SYN_OK; i++) {
        const char *rep;

        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        default:
            continue;
        }
        cap_append(st, s + run, i - run);
        cap_append(st, rep, strlen(rep));
        run = i + 1;
    }
    if (st->fb->status == SYN_OK) {
        cap_append(st, s + run, len - run);
    }
}

static bool
is_void_element(const xmlChar *name)
{
    static const char *const voids[] = {
        "area",  "base", "br",   "col",   "embed",  "hr",    "img",
        "input", "link", "meta", "param", "source", "track", "wbr"};
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(voids); i++) {
        if (str_casecmp((const char *)name, voids[i]) == 0)
            return true;
    }
    return false;
}

/* Attributes of inline markup that hold a URL (HTML's href, src and
 * the like), resolved as they are written back. */
static bool
is_url_attr(const xmlChar *name)
{
    static const char *const names[] = {"href",   "src",      "cite",
                                        "poster", "longdesc", "background"};
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(names); i++) {
        if (str_casecmp((const char *)name, names[i]) == 0)
            return true;
    }
    return false;
}

/* A child element inside HTML or XHTML content: write it back as a tag.
 * Its relative URLs mean what the field's base (the item's base_url)
 * says, and the sanitizer resolves them so, as in escaped HTML; only an
 * xml:base inside the field changes that, so under one the URLs are
 * resolved here (resolving every URL made the parse of link-heavy XHTML
 * three times slower). xml:lang is written as HTML's lang; other xml:
 * attributes are dropped. */
static void
cap_start_tag(struct xml_state *st, const xmlChar *name, const xmlChar *uri,
              int n_attrs, const xmlChar **attrs)
{
    const char *base =
        base_here(st) != st->base_at[st->cap_depth] ? base_here(st) : NULL;
    int i;

    if (st->mode == M_XHTML && st->depth == st->cap_depth + 1 &&
        !st->cap_child_seen && str_casecmp((const char *)name, "div") == 0 &&
        uri != NULL && xml_ns_by_uri((const char *)uri) == NS_XHTML &&
        st->strip_div) {
        st->skip_div_depth = st->depth; /* RFC 4287 3.1.1.3 wrapper */
        st->cap_child_seen = true;
        return;
    }
    st->cap_child_seen = true;
    cap_append(st, "<", 1);
    cap_append(st, (const char *)name, strlen((const char *)name));
    for (i = 0; i < n_attrs; i++) {
        const xmlChar **a = attrs + 5 * i;
        struct str v;

        if (st->fb->status != SYN_OK)
            return; /* stop() has freed the parser's input: attrs too */
        v = attr_value(st, a);
        if (base != NULL && v.len > 0 && is_url_attr(a[0])) {
            const char *u = fb_url(st->fb, base, v.p, v.len);

            if (u != NULL) {
                v = str_from_cstr(u);
            }
        }
        if (a[1] != NULL && strcmp((const char *)a[1], "xml") == 0 &&
            strcmp((const char *)a[0], "lang") != 0)
            continue; /* xml:base, xml:space: read, not markup */
        cap_append(st, " ", 1);
        if (a[1] != NULL && strcmp((const char *)a[1], "xml") != 0) {
            cap_append(st, (const char *)a[1], strlen((const char *)a[1]));
            cap_append(st, ":", 1);
        }
        cap_append(st, (const char *)a[0], strlen((const char *)a[0]));
        cap_append(st, "=\"", 2);
        cap_escaped(st, v.p, v.len);
        cap_append(st, "\"", 1);
    }
    cap_append(st, ">", 1);
}

static void
cap_end_tag(struct xml_state *st, const xmlChar *name)
{
    if (st->depth == st->skip_div_depth) {
        st->skip_div_depth = 0;
        return;
    }
    if (is_void_element(name))
        return;
    cap_append(st, "</", 2);
    cap_append(st, (const char *)name, strlen((const char *)name));
    cap_append(st, ">", 1);
}

/* Captured character data is valid UTF-8 (libxml2 checked it, and the
 * transformations here keep it so), except after base64 decoding. */
static const char *
cap_text(struct xml_state *st, const char *s, size_t len)
{
    return st->base64 ? fb_text(st->fb, s, len) : fb_text_clean(st->fb, s, len);
}

/* The captured text as plain text for a title: tags dropped and character
 * references decoded for HTML (Atom type="html"/"xhtml") and for RSS, whose
 * titles are often escaped twice ("AT&amp;amp;T") or carry markup
 * ("1930ft<sup>2</sup>"); Atom type="text" is taken literally. */
static const char *
title_text(struct xml_state *st)
{
    const char *s = buf_cstr(&st->text), *q;
    size_t len = st->text.len, i, run = 0, tag_start = 0;
    bool in_tag = false;

    if (st->title_plain ||
        (memchr(s, '&', len) == NULL && memchr(s, '<', len) == NULL))
        return cap_text(st, s, len);
    buf_reset(&st->scratch);
    if (memchr(s, '<', len) != NULL) {
        struct buf *b = &st->scratch;

        for (i = 0; i < len; i++) {
            if (!in_tag && s[i] == '<' && i + 1 < len &&
                (ascii_isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/' ||
                 s[i + 1] == '!')) {
                if (buf_append(b, s + run, i - run) != SYN_OK)
                    goto nomem;
                in_tag = true;
                tag_start = i;
            } else if (in_tag && s[i] == '>') {
                in_tag = false;
                run = i + 1;
            } else if (in_tag && (s[i] == '"' || s[i] == '\'') &&
                       (q = memchr(s + i + 1, s[i], len - i - 1)) != NULL) {
                i = (size_t)(q - s); /* a quoted value may hold '>' */
            }
        }
        if (in_tag) /* "a <b" without '>' was no tag: keep it */
            run = tag_start;
        if (buf_append(b, s + run, len - run) != SYN_OK)
            goto nomem;
        s = buf_cstr(b);
        len = b->len;
        /* decode through the text buffer */
        buf_reset(&st->text);
        if (buf_append(&st->text, s, len) != SYN_OK)
            goto nomem;
        s = buf_cstr(&st->text);
        buf_reset(&st->scratch);
    }
    if (feed_entities_decode(&st->scratch, s, len) != SYN_OK)
        goto nomem;
    if (memchr(buf_cstr(&st->scratch), '&', st->scratch.len) != NULL) {
        /* a reference still there was escaped once more than the rest
         * ("Wait&amp;amp;hellip;" in the XML): a title is text, so it
         * is decoded too; st->text is free by now */
        buf_reset(&st->text);
        if (feed_entities_decode(&st->text, buf_cstr(&st->scratch),
                                 st->scratch.len) != SYN_OK)
            goto nomem;
        if (st->text.len < st->scratch.len) {
            fb_problem(st->fb, line_of(st),
                       "character reference escaped twice in a title "
                       "(recovered)");
            return cap_text(st, buf_cstr(&st->text), st->text.len);
        }
    }
    return cap_text(st, buf_cstr(&st->scratch), st->scratch.len);
nomem:
    fb_fail(st->fb, SYN_ENOMEM, "out of memory");
    return NULL;
}

/* True when s[0..len) starts with an escaped start tag of a common HTML
 * element ("&lt;p&gt;", "&lt;div class=...").  */
static bool
starts_escaped_tag(const char *s, size_t len)
{
    static const char *const tags[] = {
        "a",    "article", "b",     "blockquote", "br",     "center",
        "code", "div",     "em",    "figure",     "font",   "h1",
        "h2",   "h3",      "h4",    "h5",         "h6",     "hr",
        "i",    "iframe",  "img",   "li",         "ol",     "p",
        "pre",  "section", "small", "span",       "strong", "table",
        "u",    "ul",
    };
    size_t i, n;

    if (len < 8 || memcmp(s, "&lt;", 4) != 0)
        return false;
    s += 4;
    len -= 4;
    /* 12: longer than any name of tags[] */
    for (n = 0; n < len && n < 12 && ascii_isalnum((unsigned char)s[n]); n++) {
        ;
    }
    if (n == 0 || n == len ||
        !(s[n] == '&' || s[n] == ' ' || s[n] == '/' || s[n] == '\n'))
        return false;
    for (i = 0; i < SYN_ARRAY_LEN(tags); i++) {
        if (strlen(tags[i]) == n && str_ncasecmp(s, tags[i], n) == 0)
            return true;
    }
    return false;
}

/* HTML escaped twice ("&amp;lt;p&amp;gt;Hi&amp;lt;/p&amp;gt;" in the XML):
 * the field holds no markup but is escaped markup from its first byte to
 * its last ("&lt;p&gt;...&lt;/p&gt;"). Then one level is undone; a post
 * about HTML, which shows an escaped tag inside ordinary text, is left
 * alone. Only fields that start with "&lt;" are looked at further. */
static const char *
double_escaped(struct xml_state *st, const char *s, size_t len)
{
    struct str t = str_trim((struct str){s, len});
    struct buf *b = &st->scratch;

    if (t.len < 8 || t.p[0] != '&' || !starts_escaped_tag(t.p, t.len) ||
        memcmp(t.p + t.len - 4, "&gt;", 4) != 0 ||
        memchr(t.p, '<', t.len) != NULL)
        return NULL;
    buf_reset(b);
    if (feed_entities_decode(b, t.p, t.len) != SYN_OK) {
        fb_fail(st->fb, SYN_ENOMEM, "out of memory");
        return NULL;
    }
    if (!st->double_escape_seen) {
        fb_problem(st->fb, line_of(st),
                   "HTML escaped twice, unescaped once (recovered)");
        st->double_escape_seen = true;
    }
    return fb_text(st->fb, buf_cstr(b), b->len);
}

/* The captured text as HTML: plain text is escaped, HTML escaped twice
 * is unescaped once. */
static const char *
html_text(struct xml_state *st)
{
    const char *s = buf_cstr(&st->text);
    size_t len = st->text.len, i, run = 0;
    struct buf *b = &st->scratch;

    if (st->mode == M_HTML && len >= 8) {
        const char *h = double_escaped(st, s, len);

        if (h != NULL || st->fb->status != SYN_OK)
            return h;
    }
    if (st->mode != M_TEXT ||
        (memchr(s, '&', len) == NULL && memchr(s, '<', len) == NULL &&
         memchr(s, '>', len) == NULL))
        return cap_text(st, s, len);
    buf_reset(b);
    for (i = 0; i < len; i++) {
        const char *rep = s[i] == '&'   ? "&amp;"
                          : s[i] == '<' ? "&lt;"
                          : s[i] == '>' ? "&gt;"
                                        : NULL;

        if (rep == NULL)
            continue;
        if (buf_append(b, s + run, i - run) != SYN_OK ||
            buf_append_str(b, rep) != SYN_OK) {
            fb_fail(st->fb, SYN_ENOMEM, "out of memory");
            return NULL;
        }
        run = i + 1;
    }
    if (buf_append(b, s + run, len - run) != SYN_OK) {
        fb_fail(st->fb, SYN_ENOMEM, "out of memory");
        return NULL;
    }
    return cap_text(st, buf_cstr(b), b->len);
}

static struct syn_time
text_time(struct xml_state *st)
{
    struct syn_time t = {0, false};
    int64_t v;

    if (time_parse(buf_cstr(&st->text), st->text.len, &v)) {
        t.unix_s = v;
        t.known = true;
    }
    return t;
}

static long
text_long(struct xml_state *st, long max)
{
    struct str s = str_trim((struct str){buf_cstr(&st->text), st->text.len});
    char tmp[24];
    long v;

    if (s.len == 0 || s.len >= sizeof(tmp))
        return 0;
    memcpy(tmp, s.p, s.len);
    tmp[s.len] = '\0';
    return str_to_long(tmp, 0, max, &v) == SYN_OK ? v : 0;
}

/* RSS <author> (and dc:creator, dc:author) hold "email (Name)",
 * "Name (email)" or "Name <email>"; keep the name. */
static const char *
rss_author(struct xml_state *st)
{
    struct str s = str_trim((struct str){buf_cstr(&st->text), st->text.len});
    const char *open, *close;

    if (s.len > 2 && s.p[s.len - 1] == ')' &&
        (open = memchr(s.p, '(', s.len)) != NULL) {
        const char *name = open + 1;

        close = s.p + s.len - 1;
        if (memchr(s.p, '@', (size_t)(open - s.p)) != NULL && close > name)
            return fb_text(st->fb, name, (size_t)(close - name));
        if (open > s.p && memchr(name, '@', (size_t)(close - name)) != NULL &&
            memchr(name, ' ', (size_t)(close - name)) == NULL)
            return fb_text(st->fb, s.p, (size_t)(open - s.p));
    }
    if (s.len > 2 && s.p[s.len - 1] == '>' &&
        (open = memchr(s.p, '<', s.len)) != NULL && open > s.p)
        return fb_text(st->fb, s.p, (size_t)(open - s.p));
    return fb_text(st->fb, s.p, s.len);
}

static void
set_str(const char **dst, const char *v)
{
    if (*dst == NULL && v != NULL) {
        *dst = v;
    }
}

/* Dates: the last readable one wins (as feedparser does), so a feed that
 * repeats an element with a correction gets the correction. */
static void
set_time(struct syn_time *dst, struct syn_time v)
{
    if (v.known) {
        *dst = v;
    }
}

/* Replace the captured text by its base64 decoding. */
static void
decode_base64(struct xml_state *st)
{
    struct buf *b = &st->scratch;

    buf_reset(b);
    if (fb_base64_decode(buf_cstr(&st->text), st->text.len, b) != SYN_OK)
        goto nomem;
    buf_reset(&st->text);
    if (buf_append(&st->text, buf_cstr(b), b->len) != SYN_OK)
        goto nomem;
    return;
nomem:
    fb_fail(st->fb, SYN_ENOMEM, "out of memory");
}

/* An item's language is that of its main text: the xml:lang in effect
 * on its content, else its summary, else its title, when declared inside
 * the item ("<content xml:lang="en">" in a French feed is English). */
static void
note_text_lang(struct xml_state *st, enum text_rank prio)
{
    const char *lang = st->lang_at[st->depth];

    if (prio <= st->text_lang_prio || st->fb->cur == NULL)
        return;
    st->text_lang = lang;
    st->text_lang_prio = prio;
    st->text_lang_own =
        st->item_depth > 0 && lang != st->lang_at[st->item_depth];
}

static void
cap_end(struct xml_state *st)
{
    struct feed_builder *fb = st->fb;
    struct feed *f = fb->f;
    struct feed_item *it = fb->cur;
    const char *s = buf_cstr(&st->text);
    size_t len = st->text.len;
    st->cap_depth = 0;
    if (st->base64) {
        decode_base64(st);
        s = buf_cstr(&st->text);
        len = st->text.len;
    }
    switch (st->field) {
    case F_NONE:
        break;
    case F_FEED_TITLE:
        set_str(&f->title, title_text(st));
        break;
    case F_FEED_LINK:
        set_str(&f->link, fb_url(fb, base_here(st), s, len));
        break;
    case F_FEED_DESC:
        if (f->description == NULL || st->feed_desc_weak) {
            const char *d = cap_text(st, s, len);

            if (d != NULL) {
                f->description = d;
                st->feed_desc_weak = false;
            }
        }
        break;
    case F_FEED_DESC_WEAK:
        if (f->description == NULL) {
            f->description = cap_text(st, s, len);
            st->feed_desc_weak = f->description != NULL;
        }
        break;
    case F_FEED_LANG:
        set_str(&f->language, fb_lang(fb, s, len));
        break;
    case F_FEED_UPDATED:
        set_time(&f->updated, text_time(st));
        break;
    case F_FEED_IMAGE:
        fb_offer_image(fb, fb_url(fb, base_here(st), s, len),
                       FB_IMAGE_THUMBNAIL);
        break;
    case F_FEED_ICON:
        fb_offer_image(fb, fb_url(fb, base_here(st), s, len),
                       FB_IMAGE_ENCLOSURE);
        break;
    case F_TTL:
        if (f->ttl_min == 0) {
            f->ttl_min = text_long(st, 366L * 24 * 60);
        }
        break;
    case F_SY_PERIOD: {
        static const struct {
            const char *name;
            long s;
        } periods[] = {{"hourly", 3600},
                       {"daily", 86400},
                       {"weekly", 7 * 86400},
                       {"monthly", 30 * 86400},
                       {"yearly", 365 * 86400}};
        struct str p = str_trim((struct str){s, len});
        size_t i;

        for (i = 0; i < SYN_ARRAY_LEN(periods); i++) {
            if (str_eq_nocase(p, periods[i].name)) {
                f->update_period_s = periods[i].s;
            }
        }
        break;
    }
    case F_SY_FREQ:
        f->update_frequency = text_long(st, 1000000);
        break;
    case F_TITLE:
        if (it != NULL && (it->title == NULL || st->title_weak)) {
            const char *t = title_text(st);

            if (t != NULL) {
                it->title = t;
                st->title_weak = false;
                note_text_lang(st, TEXT_TITLE);
            }
        }
        break;
    case F_WEAK_TITLE:
        if (it != NULL && it->title == NULL) {
            it->title = title_text(st);
            st->title_weak = it->title != NULL;
        }
        break;
    case F_LINK:
        if (it != NULL) {
            set_str(&it->url, fb_url(fb, base_here(st), s, len));
        }
        break;
    case F_SUMMARY:
        if (it != NULL && (it->summary_html == NULL || st->summary_weak)) {
            const char *h = html_text(st);

            if (h != NULL) {
                it->summary_html = h;
                st->summary_weak = false;
                note_text_lang(st, TEXT_SUMMARY);
                if (it->content_html == NULL) {
                    it->base_url = base_here(st);
                }
            }
        }
        break;
    case F_WEAK_SUMMARY:
        if (it != NULL && it->summary_html == NULL) {
            it->summary_html = html_text(st);
            st->summary_weak = it->summary_html != NULL;
        }
        break;
    case F_CONTENT:
        if (it != NULL && it->content_html == NULL) {
            it->content_html = html_text(st);
            it->base_url = base_here(st); /* xml:base of the content */
            if (it->content_html != NULL) {
                note_text_lang(st, TEXT_CONTENT);
            }
        }
        break;
    case F_GUID:
        if (it != NULL && it->id == NULL) {
            it->id = fb_text(fb, s, len);
            if (it->id != NULL && st->guid_link == NULL &&
                (str_has_prefix_nocase(str_from_cstr(it->id), "http://") ||
                 str_has_prefix_nocase(str_from_cstr(it->id), "https://"))) {
                st->guid_link = it->id;
            }
        }
        break;
    case F_ID:
        if (it != NULL && it->id == NULL) {
            /* kept as written, even a path ("/posts/3", not an IRI as RFC
             * 4287 4.2.6 wants): resolved, it would change with the URL
             * the feed is fetched from, and the stored entry with it */
            it->id = fb_text(fb, s, len);
        }
        break;
    case F_PUBLISHED:
        if (it != NULL) {
            set_time(&it->published, text_time(st));
        }
        break;
    case F_UPDATED:
        if (it != NULL) {
            set_time(&it->updated, text_time(st));
        }
        break;
    case F_AUTHOR:
        fb_add_author(fb, fb_text(fb, s, len));
        break;
    case F_AUTHOR_RSS:
        fb_add_author(fb, rss_author(st));
        break;
    case F_AUTHOR_NAME:
        set_str(&st->author_name, fb_text(fb, s, len));
        break;
    case F_AUTHOR_EMAIL:
        set_str(&st->author_email, fb_text(fb, s, len));
        break;
    case F_CATEGORY:
        fb_add_category(fb, fb_text(fb, s, len));
        break;
    case F_ITEM_LANG:
        if (it != NULL) {
            set_str(&it->language, fb_lang(fb, s, len));
        }
        break;
    }
    if (fb->status != SYN_OK) {
        stop(st);
    }
}

static bool
ends_with_nocase(struct str s, const char *suffix)
{
    size_t n = strlen(suffix);

    return s.len >= n && str_ncasecmp(s.p + s.len - n, suffix, n) == 0;
}

/* Capture mode of Atom text constructs (RFC 4287 3.1) and Atom 0.3's
 * mode="escaped|xml|base64"; false when the content is not text we can
 * use (base64, images, other media types). */
static bool
atom_mode(struct xml_state *st, int n_attrs, const xmlChar **attrs,
          enum mode *m, bool *b64)
{
    struct str type = str_trim(attr_get(st, n_attrs, attrs, "type"));
    struct str mode = str_trim(attr_get(st, n_attrs, attrs, "mode"));

    if (str_eq_nocase(mode, "xml")) {
        *m = M_XHTML;
        return true;
    }
    if (type.len == 0 || str_eq_nocase(type, "text") ||
        str_eq_nocase(type, "text/plain")) {
        *m = M_TEXT;
    } else if (str_eq_nocase(type, "html") ||
               str_eq_nocase(type, "text/html")) {
        *m = M_HTML;
    } else if (str_eq_nocase(type, "xhtml") ||
               str_eq_nocase(type, "application/xhtml+xml")) {
        *m = M_XHTML;
    } else if (str_has_prefix_nocase(type, "text/")) {
        *m = M_TEXT;
    } else if (ends_with_nocase(type, "+xml") ||
               ends_with_nocase(type, "/xml")) {
        *m = M_XHTML;
    } else {
        /* RFC 4287 4.1.3.3: any other media type is base64 */
        *m = M_HTML;
        *b64 = true;
    }
    /* Atom 0.3 escaped or base64 content with no type is HTML in
     * practice (the encoding is there to carry markup) */
    if ((str_eq_nocase(mode, "escaped") || str_eq_nocase(mode, "base64")) &&
        type.len == 0) {
        *m = M_HTML;
    }
    return true;
}

/* Begin a capture of an Atom text construct (or RSS text when the format
 * is not Atom); plain-text Atom titles are taken literally. */
static void
cap_text_construct(struct xml_state *st, enum field f, bool is_atom_elem,
                   int n_attrs, const xmlChar **attrs, enum mode rss_mode)
{
    enum mode m = rss_mode;
    bool b64 = false;

    if (is_atom_elem && !atom_mode(st, n_attrs, attrs, &m, &b64)) {
        st->ctx_at[st->depth] = C_SKIP;
        return;
    }
    cap_begin(st, f, m);
    st->base64 =
        b64 || (is_atom_elem &&
                str_eq_nocase(str_trim(attr_get(st, n_attrs, attrs, "mode")),
                              "base64"));
    st->title_plain = is_atom_elem && m == M_TEXT;
    st->strip_div =
        is_atom_elem && m == M_XHTML && st->fb->f->format == FEED_FORMAT_ATOM10;
}

/* --- links, enclosures, media ------------------------------------------ */

/* An Atom <link> (or atom:link in RSS, or any <link href=...>). */
static void
atom_link(struct xml_state *st, enum ctx parent, int n, const xmlChar **attrs)
{
    struct feed_builder *fb = st->fb;
    struct str rel = str_trim(attr_get(st, n, attrs, "rel"));
    struct str type = str_trim(attr_get(st, n, attrs, "type"));
    struct str href = attr_get(st, n, attrs, "href");
    const char *url;

    if (rel.len != 0 && !str_eq_nocase(rel, "alternate") &&
        !str_eq_nocase(rel, "enclosure") &&
        !str_eq_nocase(rel,
                       "http://www.iana.org/assignments/relation/alternate"))
        return;
    if (href.len == 0) {
        /* <link>URL</link> in an Atom feed: read the text */
        if (rel.len == 0 || str_eq_nocase(rel, "alternate")) {
            cap_begin(st, parent == C_FEED ? F_FEED_LINK : F_LINK, M_TEXT);
        }
        return;
    }
    url = fb_url(fb, base_here(st), href.p, href.len);
    if (url == NULL)
        return;
    if (str_eq_nocase(rel, "enclosure")) {
        if (parent == C_ITEM) {
            fb_add_enclosure(fb, url, fb_text(fb, type.p, type.len),
                             parse_length(attr_get(st, n, attrs, "length")));
        }
        return;
    }
    if (parent == C_FEED) {
        set_str(&fb->f->link, url);
    } else if (parent == C_ITEM && fb->cur != NULL) {
        /* the first alternate wins, but an HTML one beats another type */
        bool html = type.len == 0 || str_eq_nocase(type, "text/html") ||
                    str_eq_nocase(type, "application/xhtml+xml");

        if (fb->cur->url == NULL || (!st->url_from_alternate && html)) {
            fb->cur->url = url;
            st->url_from_alternate = html;
        }
    }
}

static void
rss_enclosure(struct xml_state *st, int n, const xmlChar **attrs)
{
    struct feed_builder *fb = st->fb;
    struct str url = attr_get(st, n, attrs, "url");
    struct str type = attr_get(st, n, attrs, "type");

    if (url.len == 0) {
        url = attr_get(st, n, attrs, "href");
    }
    fb_add_enclosure(fb, fb_url(fb, base_here(st), url.p, url.len),
                     fb_text(fb, type.p, type.len),
                     parse_length(attr_get(st, n, attrs, "length")));
}

static void
media_content(struct xml_state *st, int n, const xmlChar **attrs)
{
    struct feed_builder *fb = st->fb;
    struct str u = attr_get(st, n, attrs, "url");
    struct str type = str_trim(attr_get(st, n, attrs, "type"));
    struct str medium = str_trim(attr_get(st, n, attrs, "medium"));
    const char *url = fb_url(fb, base_here(st), u.p, u.len);

    if (url == NULL)
        return;
    if (str_eq_nocase(medium, "image") ||
        str_has_prefix_nocase(type, "image/")) {
        fb_offer_image(fb, url, FB_IMAGE_MEDIA_CONTENT);
        return;
    }
    fb_add_enclosure(fb, url, fb_text(fb, type.p, type.len),
                     parse_length(attr_get(st, n, attrs, "fileSize")));
}

static void
offer_image_attr(struct xml_state *st, int n, const xmlChar **attrs,
                 const char *name, int prio)
{
    struct str u = attr_get(st, n, attrs, name);

    if (u.len == 0 && prio == FB_IMAGE_ITUNES) {
        u = attr_get(st, n, attrs, "url"); /* a common misspelling */
    }
    fb_offer_image(st->fb, fb_url(st->fb, base_here(st), u.p, u.len), prio);
}

/* <itunes:category text="Technology"><itunes:category text="Gadgets"/> */
static void
itunes_category(struct xml_state *st, int n, const xmlChar **attrs)
{
    struct str t = attr_get(st, n, attrs, "text");

    fb_add_category(st->fb, fb_text(st->fb, t.p, t.len));
    st->ctx_at[st->depth] = C_ICAT;
}

/* --- dispatch ---------------------------------------------------------- */

/* Microsoft's CDF keeps the link and date of a channel or item in
 * attributes of its element: HREF and LASTMOD. */
static void
cdf_attrs(struct xml_state *st, int n, const xmlChar **attrs, const char **link,
          struct syn_time *updated)
{
    struct str href = attr_get(st, n, attrs, "href");
    struct str mod = attr_get(st, n, attrs, "lastmod");
    int64_t t;

    *link = fb_url(st->fb, base_here(st), href.p, href.len);
    if (mod.len > 0 && time_parse(mod.p, mod.len, &t)) {
        *updated = (struct syn_time){t, true};
    }
}

static void
start_root(struct xml_state *st, enum xml_ns ns, enum xml_tok tok,
           const xmlChar *uri, int n, const xmlChar **attrs,
           const xmlChar *name)
{
    struct feed *f = st->fb->f;

    (void)uri;
    st->root_seen = true;
    if (tok == T_RSS && ns == NS_RSS) {
        struct str v = str_trim(attr_get(st, n, attrs, "version"));

        f->format = str_has_prefix_nocase(v, "0.9") ? FEED_FORMAT_RSS09X
                                                    : FEED_FORMAT_RSS20;
        st->ctx_at[st->depth] = C_ROOT;
    } else if (tok == T_RDF) {
        f->format = FEED_FORMAT_RSS10;
        st->ctx_at[st->depth] = C_ROOT;
    } else if (tok == T_FEED &&
               (ns == NS_ATOM10 || ns == NS_ATOM03 || ns == NS_RSS)) {
        struct str v = str_trim(attr_get(st, n, attrs, "version"));

        f->format = ns == NS_ATOM03 || str_eq_cstr(v, "0.3")
                        ? FEED_FORMAT_ATOM03
                        : FEED_FORMAT_ATOM10;
        st->is_atom = true;
        st->ctx_at[st->depth] = C_FEED;
    } else if (tok == T_CHANNEL && ns == NS_RSS) {
        f->format = FEED_FORMAT_RSS20;
        st->ctx_at[st->depth] = C_FEED;
        st->cdf = true;
        cdf_attrs(st, n, attrs, &f->link, &f->updated);
    } else {
        fb_fail(st->fb, SYN_EPARSE, "not a feed: the root element is <%.40s>",
                (const char *)name);
        stop(st);
    }
}

/* Identity and link held in attributes of the item element: RSS 1.0's
 * rdf:about (the item's URI, its id), CDF's href and lastmod. */
static void
item_attrs(struct xml_state *st, int n, const xmlChar **attrs)
{
    struct feed_item *it = st->fb->cur;
    enum feed_format fmt = st->fb->f->format;

    if (fmt == FEED_FORMAT_RSS10 || fmt == FEED_FORMAT_RSS09X) {
        struct str about = attr_get(st, n, attrs, "about");

        it->id = fb_text(st->fb, about.p, about.len);
    }
    if (st->cdf) {
        cdf_attrs(st, n, attrs, &it->url, &it->updated);
    }
}

/* An Atom <author> opens: its name and email are collected until it
 * closes, for the item (or the feed), or kept aside when it is inside
 * the entry's <source>. */
static void
open_author(struct xml_state *st, bool in_source)
{
    st->ctx_at[st->depth] = C_AUTHOR;
    st->author_name = st->author_email = NULL;
    st->author_in_source = in_source;
}

static void
start_in_feed(struct xml_state *st, enum xml_ns ns, enum xml_tok tok, int n,
              const xmlChar **attrs)
{
    bool atom = ns == NS_ATOM10 || ns == NS_ATOM03;
    bool core = ns == NS_RSS || atom;

    if (core && (tok == T_ITEM || tok == T_ENTRY)) {
        st->ctx_at[st->depth] = C_ITEM;
        fb_item_begin(st->fb);
        st->guid_link = NULL;
        st->summary_weak = false;
        st->title_weak = false;
        st->url_from_alternate = false;
        st->item_depth = st->depth;
        st->n_src_authors = 0;
        st->text_lang = NULL;
        st->text_lang_prio = TEXT_NONE;
        st->text_lang_own = false;
        if (st->fb->cur != NULL) {
            item_attrs(st, n, attrs);
            st->fb->cur->base_url = base_here(st);
            if (st->lang_at[st->depth] != st->lang_at[st->depth - 1]) {
                st->fb->cur->language = st->lang_at[st->depth];
            }
        }
        return;
    }
    if (core && tok == T_LINK &&
        (atom || st->is_atom || attr_get(st, n, attrs, "href").len > 0)) {
        atom_link(st, C_FEED, n, attrs);
        return;
    }
    if (core && tok == T_AUTHOR && (atom || st->is_atom)) {
        open_author(st, false); /* its entries' when they name none */
        return;
    }
    if (core) {
        switch (tok) {
        case T_TITLE:
            cap_text_construct(st, F_FEED_TITLE, atom || st->is_atom, n, attrs,
                               M_TEXT);
            return;
        case T_LINK:
            cap_begin(st, F_FEED_LINK, M_TEXT);
            return;
        case T_DESCRIPTION:
        case T_SUBTITLE:
        case T_TAGLINE:
        case T_ABSTRACT:
            cap_text_construct(st, F_FEED_DESC, atom || st->is_atom, n, attrs,
                               M_HTML);
            return;
        case T_LANGUAGE:
            cap_begin(st, F_FEED_LANG, M_TEXT);
            return;
        case T_LASTBUILDDATE:
        case T_PUBDATE:
        case T_UPDATED:
        case T_MODIFIED:
            cap_begin(st, F_FEED_UPDATED, M_TEXT);
            return;
        case T_IMAGE:
            st->ctx_at[st->depth] = C_IMAGE;
            return;
        case T_LOGO:
            cap_begin(st, F_FEED_IMAGE, M_TEXT);
            return;
        case T_ICON:
            cap_begin(st, F_FEED_ICON, M_TEXT);
            return;
        case T_TTL:
            cap_begin(st, F_TTL, M_TEXT);
            return;
        default:
            break;
        }
    } else if (ns == NS_DC && tok == T_LANGUAGE) {
        cap_begin(st, F_FEED_LANG, M_TEXT);
        return;
    } else if (ns == NS_DC && tok == T_TITLE) {
        cap_begin(st, F_FEED_TITLE, M_TEXT);
        return;
    } else if (ns == NS_DC && tok == T_DESCRIPTION) {
        cap_begin(st, F_FEED_DESC, M_HTML);
        return;
    } else if ((ns == NS_DC && tok == T_DATE) ||
               (ns == NS_DCTERMS && tok == T_MODIFIED)) {
        cap_begin(st, F_FEED_UPDATED, M_TEXT);
        return;
    } else if (ns == NS_ITUNES && tok == T_IMAGE) {
        offer_image_attr(st, n, attrs, "href", FB_IMAGE_ITUNES);
    } else if (ns == NS_ITUNES && tok == T_LINK &&
               str_eq_nocase(str_trim(attr_get(st, n, attrs, "rel")),
                             "image")) {
        /* the early iTunes form: <itunes:link rel="image" href=...> */
        offer_image_attr(st, n, attrs, "href", FB_IMAGE_ITUNES);
    } else if (ns == NS_ITUNES && (tok == T_SUBTITLE || tok == T_SUMMARY)) {
        cap_begin(st, F_FEED_DESC_WEAK, M_TEXT);
        return;
    } else if (ns == NS_SY && tok == T_UPDATEPERIOD) {
        cap_begin(st, F_SY_PERIOD, M_TEXT);
        return;
    } else if (ns == NS_SY && tok == T_UPDATEFREQUENCY) {
        cap_begin(st, F_SY_FREQ, M_TEXT);
        return;
    }
    st->ctx_at[st->depth] = C_SKIP;
}

/* Media RSS in an item or its <media:group>: enclosures, thumbnails, and
 * the title and description that stand in when the item has none (a
 * YouTube entry's only text is its media:description). */
static void
start_media(struct xml_state *st, enum xml_tok tok, int n,
            const xmlChar **attrs)
{
    if (tok == T_CONTENT) {
        media_content(st, n, attrs);
    } else if (tok == T_THUMBNAIL) {
        offer_image_attr(st, n, attrs, "url", FB_IMAGE_THUMBNAIL);
    } else if (tok == T_CATEGORY) {
        cap_begin(st, F_CATEGORY, M_TEXT);
    } else if (tok == T_TITLE) {
        cap_begin(st, F_WEAK_TITLE, M_TEXT);
    } else if (tok == T_DESCRIPTION) {
        cap_begin(
            st, F_WEAK_SUMMARY,
            str_eq_nocase(str_trim(attr_get(st, n, attrs, "type")), "html")
                ? M_HTML
                : M_TEXT);
    }
}

static void
start_in_item(struct xml_state *st, enum xml_ns ns, enum xml_tok tok, int n,
              const xmlChar **attrs)
{
    bool atom = ns == NS_ATOM10 || ns == NS_ATOM03;
    bool core = ns == NS_RSS || atom;
    bool as_atom = atom || st->is_atom;

    st->ctx_at[st->depth] = C_SKIP;
    if (core) {
        switch (tok) {
        case T_TITLE:
            cap_text_construct(st, F_TITLE, as_atom, n, attrs, M_TEXT);
            return;
        case T_LINK:
            if (as_atom || attr_get(st, n, attrs, "href").len > 0) {
                atom_link(st, C_ITEM, n, attrs);
            } else {
                cap_begin(st, F_LINK, M_TEXT);
            }
            return;
        case T_DESCRIPTION:
        case T_ABSTRACT:
            cap_begin(st, F_SUMMARY, M_HTML);
            return;
        case T_FULLITEM:
            cap_begin(st, F_CONTENT, M_HTML);
            return;
        case T_SUMMARY:
            cap_text_construct(st, F_SUMMARY, as_atom, n, attrs, M_HTML);
            return;
        case T_CONTENT:
            if (attr_get(st, n, attrs, "src").len == 0) {
                cap_text_construct(st, F_CONTENT, true, n, attrs, M_HTML);
            }
            return;
        case T_GUID:
            cap_begin(st, F_GUID, M_TEXT);
            if (str_eq_nocase(str_trim(attr_get(st, n, attrs, "isPermaLink")),
                              "false")) {
                st->guid_link = ""; /* not a link: never the url */
            }
            return;
        case T_ID:
            cap_begin(st, F_ID, M_TEXT);
            return;
        case T_PUBDATE:
        case T_PUBLISHED:
        case T_ISSUED:
        case T_CREATED:
            cap_begin(st, F_PUBLISHED, M_TEXT);
            return;
        case T_UPDATED:
        case T_MODIFIED:
            cap_begin(st, F_UPDATED, M_TEXT);
            return;
        case T_AUTHOR:
            if (as_atom) {
                open_author(st, false);
            } else {
                cap_begin(st, F_AUTHOR_RSS, M_TEXT);
            }
            return;
        case T_CATEGORY:
            if (attr_get(st, n, attrs, "term").len > 0) {
                struct str label = attr_get(st, n, attrs, "label");
                struct str term = attr_get(st, n, attrs, "term");

                fb_add_category(st->fb, fb_text(st->fb, term.p, term.len));
                (void)label;
            } else {
                cap_begin(st, F_CATEGORY, M_TEXT);
            }
            return;
        case T_ENCLOSURE:
            rss_enclosure(st, n, attrs);
            return;
        case T_SOURCE:
            if (as_atom) {
                st->ctx_at[st->depth] = C_SOURCE;
            }
            return;
        case T_LANGUAGE:
            cap_begin(st, F_ITEM_LANG, M_TEXT);
            return;
        default:
            return;
        }
    }
    switch (ns) {
    case NS_DC:
        if (tok == T_CREATOR || tok == T_AUTHOR) {
            cap_begin(st, F_AUTHOR_RSS, M_TEXT);
        } else if (tok == T_DATE) {
            cap_begin(st, F_PUBLISHED, M_TEXT);
        } else if (tok == T_SUBJECT) {
            cap_begin(st, F_CATEGORY, M_TEXT);
        } else if (tok == T_LANGUAGE) {
            cap_begin(st, F_ITEM_LANG, M_TEXT);
        } else if (tok == T_TITLE) {
            cap_begin(st, F_TITLE, M_TEXT);
        } else if (tok == T_DESCRIPTION) {
            cap_begin(st, F_SUMMARY, M_HTML);
        }
        return;
    case NS_DCTERMS:
        if (tok == T_MODIFIED) {
            cap_begin(st, F_UPDATED, M_TEXT);
        } else if (tok == T_ISSUED || tok == T_CREATED) {
            cap_begin(st, F_PUBLISHED, M_TEXT);
        }
        return;
    case NS_CONTENT:
        if (tok == T_ENCODED) {
            cap_begin(st, F_CONTENT, M_HTML);
        }
        return;
    case NS_XHTML:
        if (tok == T_BODY) {
            cap_begin(st, F_CONTENT, M_XHTML);
        }
        return;
    case NS_ITUNES:
        if (tok == T_AUTHOR) {
            cap_begin(st, F_AUTHOR, M_TEXT);
        } else if (tok == T_SUMMARY) {
            cap_begin(st, F_WEAK_SUMMARY, M_TEXT);
        } else if (tok == T_IMAGE) {
            offer_image_attr(st, n, attrs, "href", FB_IMAGE_ITUNES);
        } else if (tok == T_CATEGORY) {
            itunes_category(st, n, attrs);
        }
        return;
    case NS_MEDIA:
        if (tok == T_GROUP) {
            st->ctx_at[st->depth] = C_MGROUP;
        } else {
            start_media(st, tok, n, attrs);
        }
        return;
    default:
        return;
    }
}

static void
dispatch(struct xml_state *st, const xmlChar *name, const xmlChar *prefix,
         const xmlChar *uri, int n, const xmlChar **attrs)
{
    enum ctx parent = (enum ctx)st->ctx_at[st->depth - 1];
    enum xml_ns ns = elem_ns(st, prefix, uri);
    enum xml_tok tok = name_tok(st, name);

    st->ctx_at[st->depth] = C_SKIP;
    if (parent == C_DOC && ns == NS_OTHER &&
        (tok == T_FEED || tok == T_RSS || tok == T_CHANNEL)) {
        st->root_uri = uri;
        ns = NS_RSS;
    }
    switch (parent) {
    case C_DOC:
        start_root(st, ns, tok, uri, n, attrs, name);
        return;
    case C_ROOT:
        if ((ns == NS_RSS || ns == NS_RDF) && tok == T_CHANNEL) {
            st->ctx_at[st->depth] = C_FEED;
            if (uri != NULL &&
                str_casecmp((const char *)uri,
                            "http://my.netscape.com/rdf/simple/0.9/") == 0) {
                st->fb->f->format = FEED_FORMAT_RSS09X;
            }
        } else if (ns == NS_RSS && tok == T_ITEM) {
            start_in_feed(st, ns, tok, n, attrs); /* RSS 1.0: a sibling */
        } else if (ns == NS_RSS && tok == T_IMAGE) {
            st->ctx_at[st->depth] = C_IMAGE;
        }
        return;
    case C_FEED:
        start_in_feed(st, ns, tok, n, attrs);
        return;
    case C_ITEM:
        start_in_item(st, ns, tok, n, attrs);
        return;
    case C_IMAGE:
        if (ns == NS_RSS && tok == T_URL) {
            cap_begin(st, F_FEED_IMAGE, M_TEXT);
        }
        return;
    case C_AUTHOR:
        if (tok == T_NAME) {
            cap_begin(st, F_AUTHOR_NAME, M_TEXT);
        } else if (tok == T_EMAIL) {
            cap_begin(st, F_AUTHOR_EMAIL, M_TEXT);
        }
        return;
    case C_ICAT:
        if (ns == NS_ITUNES && tok == T_CATEGORY) {
            itunes_category(st, n, attrs);
        }
        return;
    case C_SOURCE:
        if ((ns == NS_ATOM10 || ns == NS_ATOM03) && tok == T_AUTHOR) {
            open_author(st, true);
        }
        return;
    case C_MGROUP:
        if (ns == NS_MEDIA) {
            start_media(st, tok, n, attrs);
        }
        return;
    case C_SKIP:
    case C_CAPTURE:
        return;
    }
}

static bool
is_html_field(enum field f)
{
    return f == F_SUMMARY || f == F_CONTENT || f == F_FEED_DESC;
}

/* A text construct that turns out to hold elements ("naked" inline
 * markup, common in Atom 0.3): from here on it is XHTML; the text read so
 * far is escaped to match. */
static void
text_to_markup(struct xml_state *st)
{
    struct buf *b = &st->scratch;

    buf_reset(b);
    if (buf_append(b, buf_cstr(&st->text), st->text.len) != SYN_OK) {
        fb_fail(st->fb, SYN_ENOMEM, "out of memory");
        return;
    }
    buf_reset(&st->text);
    st->mode = M_XHTML;
    cap_escaped(st, buf_cstr(b), b->len);
}

/* --- SAX callbacks ----------------------------------------------------- */

/* libxml2 (2.9) drops every entity reference, &amp; included, once it has
 * seen any well-formedness error (xmlParseReference checks wellFormed).
 * Problems are recorded by on_error() instead, so the flag is raised again
 * before each callback returns to the parser: recovered documents keep
 * their escaped HTML. */
static void
keep_reading(struct xml_state *st)
{
    if (st->ctxt != NULL && st->fb->status == SYN_OK) {
        st->ctxt->wellFormed = 1;
    }
}

/* RSS 0.90 is <rdf:RDF> whose default namespace is Netscape's 0.9 one
 * (also recognized on its <channel>, for documents that declare it
 * there). nss holds n_ns (prefix, URI) pairs. */
static void
rss090_check(struct xml_state *st, int n_ns, const xmlChar **nss)
{
    int i;

    for (i = 0; i < n_ns; i++) {
        if (nss[2 * i] == NULL && nss[2 * i + 1] != NULL &&
            str_casecmp((const char *)nss[2 * i + 1],
                        "http://my.netscape.com/rdf/simple/0.9/") == 0) {
            st->fb->f->format = FEED_FORMAT_RSS09X;
        }
    }
}

static void
on_start(void *ud, const xmlChar *name, const xmlChar *prefix,
         const xmlChar *uri, int n_ns, const xmlChar **nss, int n_attrs,
         int n_defaulted, const xmlChar **attrs)
{
    struct xml_state *st = ud;
    int d, i;

    (void)n_defaulted;
    if (st->fb->status != SYN_OK)
        return;
    if (st->depth >= SYN_MAX_XML_DEPTH) {
        fb_fail(st->fb, SYN_ETOOBIG, "line %ld: elements nested deeper than %d",
                line_of(st), SYN_MAX_XML_DEPTH);
        stop(st);
        return;
    }
    if (n_attrs > SYN_MAX_XML_ATTRS) {
        fb_fail(st->fb, SYN_ETOOBIG,
                "line %ld: more than %d attributes on <%.40s>", line_of(st),
                SYN_MAX_XML_ATTRS, (const char *)name);
        stop(st);
        return;
    }
    d = ++st->depth;
    st->base_at[d] = st->base_at[d - 1];
    st->lang_at[d] = st->lang_at[d - 1];
    for (i = 0; i < n_attrs; i++) {
        const xmlChar **a = attrs + 5 * i;
        struct str v;

        if (a[1] == NULL || strcmp((const char *)a[1], "xml") != 0)
            continue;
        v = attr_value(st, a);
        if (strcmp((const char *)a[0], "base") == 0) {
            st->base_at[d] = fb_url(st->fb, st->base_at[d - 1], v.p, v.len);
        } else if (strcmp((const char *)a[0], "lang") == 0) {
            st->lang_at[d] = fb_lang(st->fb, v.p, v.len);
        }
    }
    if (st->cap_depth > 0) {
        st->ctx_at[d] = C_CAPTURE;
        if (st->mode == M_TEXT && is_html_field(st->field)) {
            text_to_markup(st);
        }
        if (st->mode != M_TEXT) {
            cap_start_tag(st, name, uri, n_attrs, attrs);
        }
    } else if (st->ctx_at[d - 1] == C_SKIP) {
        st->ctx_at[d] = C_SKIP;
    } else {
        dispatch(st, name, prefix, uri, n_attrs, attrs);
    }
    if (d == 1 && st->fb->f->format == FEED_FORMAT_RSS10) {
        rss090_check(st, n_ns, nss);
    }
    if (st->fb->status != SYN_OK) {
        stop(st);
    }
    keep_reading(st);
}

static void
on_end(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
    struct xml_state *st = ud;
    struct feed_builder *fb = st->fb;
    int d = st->depth;

    (void)prefix;
    (void)uri;
    if (fb->status != SYN_OK || d <= 0)
        return;
    if (st->cap_depth > 0) {
        if (d == st->cap_depth) {
            cap_end(st);
        } else if (st->mode != M_TEXT) {
            cap_end_tag(st, name);
        }
    } else if (st->ctx_at[d] == C_ITEM) {
        if (fb->cur != NULL && fb->cur->url == NULL && st->guid_link != NULL &&
            st->guid_link[0] != '\0') {
            fb->cur->url = fb_url(fb, st->base_at[d], st->guid_link,
                                  strlen(st->guid_link));
        }
        if (fb->cur != NULL && st->text_lang_own && st->text_lang != NULL) {
            fb->cur->language = st->text_lang;
        }
        if (fb->cur != NULL && fb->n_authors == 0) {
            /* RFC 4287 4.2.1: the source's authors, else the feed's */
            size_t i;

            for (i = 0; i < st->n_src_authors; i++) {
                fb_add_author(fb, st->src_authors[i]);
            }
        }
        st->item_depth = 0;
        fb_item_end(fb);
    } else if (st->ctx_at[d] == C_AUTHOR) {
        const char *a =
            st->author_name != NULL ? st->author_name : st->author_email;

        if (!st->author_in_source) {
            fb_add_author(fb, a);
        } else if (a != NULL &&
                   st->n_src_authors < SYN_ARRAY_LEN(st->src_authors)) {
            st->src_authors[st->n_src_authors++] = a;
        } else if (a != NULL) {
            /* NOTE: truncates, SYN_MAX_ITEM_LIST (as fb_add_author) */
            fb_problem(fb, line_of(st),
                       "more than %d authors of a source; extra dropped",
                       SYN_MAX_ITEM_LIST);
        }
    }
    st->depth--;
    if (fb->status != SYN_OK) {
        stop(st);
    }
    keep_reading(st);
}

static void
on_text(void *ud, const xmlChar *s, int len)
{
    struct xml_state *st = ud;

    if (st->cap_depth > 0 && st->fb->status == SYN_OK && len > 0) {
        if (st->mode == M_XHTML) {
            cap_escaped(st, (const char *)s, (size_t)len);
        } else {
            cap_append(st, (const char *)s, (size_t)len);
        }
    }
    keep_reading(st);
}

/* Internal entity declarations are kept as literal text: a reference to
 * one is replaced by its text as written, never parsed again. */
static void
on_entity_decl(void *ud, const xmlChar *name, int type,
               const xmlChar *public_id, const xmlChar *system_id,
               xmlChar *content)
{
    struct xml_state *st = ud;
    enum syn_status rc;

    (void)public_id;
    (void)system_id;
    if (type != XML_INTERNAL_GENERAL_ENTITY || content == NULL ||
        st->fb->status != SYN_OK)
        return;
    rc = xml_entities_declare(&st->ents, (const char *)name,
                              (const char *)content);
    if (rc == SYN_ETOOBIG) {
        fb_problem(st->fb, line_of(st), "entity &%.40s; ignored (limits)",
                   (const char *)name);
    } else if (rc != SYN_OK) {
        fb_fail(st->fb, rc, "out of memory");
        stop(st);
    }
}

static xmlEntityPtr
on_get_entity(void *ud, const xmlChar *name)
{
    struct xml_state *st = ud;
    enum syn_status rc = SYN_OK;
    enum xml_ent_kind kind;
    bool first;
    xmlEntityPtr e;

    keep_reading(st);
    if (st->fb->status != SYN_OK)
        return NULL;
    e = xml_entities_get(&st->ents, (const char *)name, &kind, &first, &rc);
    if (rc != SYN_OK) {
        fb_fail(st->fb, rc, "out of memory");
        stop(st);
        return NULL;
    }
    if (first && kind == XML_ENT_HTML) {
        fb_problem(st->fb, line_of(st), "undefined entity &%s; (recovered)",
                   (const char *)name);
    } else if (first) {
        fb_problem(st->fb, line_of(st),
                   "undefined entity &%s; kept as text (recovered)",
                   (const char *)name);
    }
    return e;
}

static void
on_error(void *ud, xmlErrorPtr e)
{
    struct xml_state *st = ud;
    struct str msg;

    if (e == NULL || e->level == XML_ERR_WARNING || e->message == NULL)
        return;
    msg = str_trim(str_from_cstr(e->message));
    /* A reference to an external parameter entity in the DTD: we never
     * load those (NONET, no DTDLOAD), and a non-validating parser may
     * skip them (XML 1.0 section 4.4.3, "Included If Validating") */
    if (e->code == XML_ERR_UNDECLARED_ENTITY &&
        str_has_prefix_nocase(msg, "PEReference:"))
        return;
    fb_problem(st->fb, e->line, "%.*s (recovered)", (int)msg.len, msg.p);
}

/* Declared in feed/parse.h: this file is the one that speaks libxml2. */
void
feed_parse_global_init(void)
{
    xmlInitParser();
}

enum syn_status
feed_read_xml(struct feed_builder *fb, const char *buf, size_t len)
{
    xmlSAXHandler sax;
    struct xml_state *st;
    enum syn_status rc;
    size_t i;

    st = syn_calloc(1, sizeof(*st));
    if (st == NULL)
        return fb_fail(fb, SYN_ENOMEM, "out of memory");
    st->fb = fb;
    st->base_at[0] = fb->doc_base;
    buf_init(&st->text, SYN_MAX_FIELD_BYTES);
    buf_init(&st->scratch, SYN_MAX_FIELD_BYTES * 2);
    for (i = 0; i < ATTR_BUFS; i++) {
        buf_init(&st->attr_bufs[i], SYN_MAX_FIELD_BYTES);
    }
    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.cdataBlock = on_text;
    sax.getEntity = on_get_entity;
    sax.entityDecl = on_entity_decl;
    sax.serror = on_error;
    st->ctxt = xmlCreatePushParserCtxt(&sax, st, NULL, 0, NULL);
    if (st->ctxt == NULL) {
        rc = fb_fail(fb, SYN_ENOMEM, "out of memory for the XML parser");
        goto out;
    }
    /* NONET; never NOENT, DTDLOAD or HUGE (see the file comment). The
     * document is UTF-8 by now, whatever its declaration says. */
    xmlCtxtUseOptions(st->ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET |
                                    XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC);
    while (len > 0 && fb->status == SYN_OK) {
        /* libxml2 takes an int length: feed big inputs in slices */
        int chunk = len > (1u << 30) ? (1 << 30) : (int)len;

        SYN_IGNORE(xmlParseChunk(st->ctxt, buf, chunk, 0));
        buf += chunk;
        len -= (size_t)chunk;
    }
    if (fb->status == SYN_OK) {
        SYN_IGNORE(xmlParseChunk(st->ctxt, NULL, 0, 1));
    }
    if (fb->status == SYN_OK && !st->root_seen) {
        fb_fail(fb, SYN_EPARSE, "no XML element found");
    }
    if (fb->status == SYN_OK && fb->cur != NULL) {
        fb_item_end(fb); /* truncated document: keep the last item */
    }
    if (fb->status == SYN_OK && fb->f->language == NULL) {
        fb->f->language = st->lang_at[1];
    }
    rc = fb->status;
out:
    if (st->ctxt != NULL) {
        /* libxml2 builds a stand-in document to hold entity declarations
         * ("expat compatibility in SAX mode"); it is ours to free */
        if (st->ctxt->myDoc != NULL) {
            xmlFreeDoc(st->ctxt->myDoc);
        }
        xmlFreeParserCtxt(st->ctxt);
    }
    xml_entities_fini(&st->ents);
    buf_fini(&st->text);
    buf_fini(&st->scratch);
    for (i = 0; i < ATTR_BUFS; i++) {
        buf_fini(&st->attr_bufs[i]);
    }
    syn_free(st);
    return rc;
}
