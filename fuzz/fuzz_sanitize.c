/* libFuzzer target for html_sanitize (and the excerpt and text walks that
 * share its policy). Invariants checked on every input, not only crashes:
 *  1. the output is a fixed point: sanitizing it again changes nothing;
 *  2. the output, re-parsed with gumbo as a browser would, holds only
 *     allowlisted tags and attributes, no on* handler, and URLs with
 *     scheme http, https or mailto (the fuzzer always passes a base URL,
 *     so no relative URL may survive);
 *  3. outputs are valid UTF-8; the excerpt obeys the same allowlist.
 * The allowlist below is written independently of html/walk.c on purpose:
 * a policy change there must be mirrored here consciously. */
#include <gumbo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/excerpt.h"
#include "html/sanitize.h"
#include "html/text.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what, out)                                                 \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_sanitize: %s\noutput: %s\n", (what), (out)); \
            abort();                                                           \
        }                                                                      \
    } while (0)

static const char *const allowed_tags[] = {
    "p",       "div",        "h3",  "h4",    "h5",    "h6",     "blockquote",
    "pre",     "ul",         "ol",  "li",    "dl",    "dt",     "dd",
    "figure",  "figcaption", "hr",  "br",    "wbr",   "a",      "em",
    "strong",  "b",          "i",   "u",     "s",     "small",  "mark",
    "cite",    "q",          "dfn", "abbr",  "time",  "code",   "var",
    "samp",    "kbd",        "sub", "sup",   "span",  "bdi",    "bdo",
    "ins",     "del",        "img", "video", "audio", "source", "table",
    "caption", "colgroup",   "col", "thead", "tbody", "tfoot",  "tr",
    "td",      "th",
};

static const char *const allowed_attrs[] = {
    "title",    "lang",     "dir",     "href",     "rel",    "cite",
    "datetime", "alt",      "width",   "height",   "poster", "src",
    "srcset",   "type",     "colspan", "rowspan",  "scope",  "span",
    "start",    "reversed", "value",   "controls",
};

static int
in_list(const char *s, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(s, list[i]) == 0)
            return 1;
    }
    return 0;
}

/* With a base every URL is absolute; the excerpt has none, so there a
 * reference without a scheme is fine too. */
static int relative_ok;

static int
safe_url(const char *u)
{
    size_t i = 0;

    if (relative_ok) {
        while ((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= 'A' && u[i] <= 'Z') ||
               (i > 0 && ((u[i] >= '0' && u[i] <= '9') || u[i] == '+' ||
                          u[i] == '-' || u[i] == '.'))) {
            i++;
        }
        if (i == 0 || u[i] != ':')
            return 1;
    }
    return str_ncasecmp(u, "http:", 5) == 0 ||
           str_ncasecmp(u, "https:", 6) == 0 ||
           str_ncasecmp(u, "mailto:", 7) == 0;
}

static void
check_node(const GumboNode *n, const char *out)
{
    const GumboElement *el;
    unsigned i;

    if (n->type != GUMBO_NODE_ELEMENT)
        return;
    el = &n->v.element;
    CHECK(el->tag_namespace == GUMBO_NAMESPACE_HTML, "foreign element", out);
    CHECK(in_list(gumbo_normalized_tagname(el->tag), allowed_tags,
                  sizeof(allowed_tags) / sizeof(allowed_tags[0])),
          "disallowed tag", out);
    for (i = 0; i < el->attributes.length; i++) {
        const GumboAttribute *a = el->attributes.data[i];

        CHECK(in_list(a->name, allowed_attrs,
                      sizeof(allowed_attrs) / sizeof(allowed_attrs[0])),
              "disallowed attribute", out);
        CHECK(str_ncasecmp(a->name, "on", 2) != 0, "event handler", out);
        if (strcmp(a->name, "href") == 0 || strcmp(a->name, "src") == 0 ||
            strcmp(a->name, "cite") == 0 || strcmp(a->name, "poster") == 0) {
            CHECK(safe_url(a->value), "unsafe URL", out);
        }
        if (strcmp(a->name, "srcset") == 0) {
            const char *p = a->value;

            while (*p != '\0') {
                CHECK(safe_url(p), "unsafe srcset URL", out);
                p = strstr(p, ", ");
                if (p == NULL)
                    break;
                p += 2;
            }
        }
    }
    for (i = 0; i < el->children.length; i++) {
        check_node(el->children.data[i], out);
    }
}

static void
check_allowlist(const char *out, size_t len)
{
    GumboOptions opts = kGumboDefaultOptions;
    GumboOutput *g;
    unsigned i;

    opts.fragment_context = GUMBO_TAG_DIV;
    opts.max_errors = 100;
    g = gumbo_parse_with_options(&opts, out, len);
    for (i = 0; i < g->root->v.element.children.length; i++) {
        check_node(g->root->v.element.children.data[i], out);
    }
    gumbo_destroy_output(&opts, g);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char base[] = "https://example.org/news/story.html";
    struct buf a, b, t;
    struct syn_err err;
    const char *in = (const char *)data;

    buf_init(&a, 64u * 1024 * 1024);
    buf_init(&b, 64u * 1024 * 1024);
    buf_init(&t, 64u * 1024 * 1024);
    if (html_sanitize(in, size, base, &a, &err) == SYN_OK) {
        CHECK(utf8_valid(buf_cstr(&a), a.len), "invalid UTF-8", buf_cstr(&a));
        CHECK(html_sanitize(buf_cstr(&a), a.len, base, &b, &err) == SYN_OK,
              "output not accepted again", buf_cstr(&a));
        CHECK(a.len == b.len && memcmp(buf_cstr(&a), buf_cstr(&b), a.len) == 0,
              "not a fixed point", buf_cstr(&b));
        check_allowlist(buf_cstr(&a), a.len);
    }
    buf_reset(&b);
    if (html_excerpt(in, size, 12, &b, &t, &err) == SYN_OK) {
        CHECK(utf8_valid(buf_cstr(&b), b.len), "excerpt UTF-8", buf_cstr(&b));
        CHECK(utf8_valid(buf_cstr(&t), t.len), "excerpt text", buf_cstr(&t));
        relative_ok = 1;
        check_allowlist(buf_cstr(&b), b.len);
        relative_ok = 0;
    }
    buf_reset(&t);
    if (html_text(in, size, &t, &err) == SYN_OK) {
        CHECK(utf8_valid(buf_cstr(&t), t.len), "text UTF-8", buf_cstr(&t));
    }
    buf_fini(&a);
    buf_fini(&b);
    buf_fini(&t);
    return 0;
}
