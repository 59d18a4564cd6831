/* feed/parse: each format, each leniency quirk, each limit, the JSON form,
 * and allocation failures, over fixtures in tests/data/feeds/. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "feed/build.h"
#include "feed/entities.h"
#include "feed/parse.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/utf8.h"

static struct feed *
parse_file(const char *name, const struct feed_parse_opts *opts,
           enum syn_status want)
{
    struct syn_err err = {SYN_OK, ""};
    struct feed *f = NULL;
    size_t len;
    char rel[256];
    char *data;
    enum syn_status st;

    snprintf(rel, sizeof(rel), "feeds/%s", name);
    data = test_read_file(test_data_path(rel), &len);
    assert_non_null(data);
    st = feed_parse(data, len, opts, &f, &err);
    syn_free(data);
    if (st != want) {
        fail_msg("%s: status %s (%s), want %s", name, syn_status_name(st),
                 err.msg, syn_status_name(want));
    }
    if (want != SYN_OK) {
        assert_null(f);
    }
    return f;
}

static const struct feed_item *
nth(const struct feed *f, size_t n)
{
    const struct feed_item *it = f->items;

    while (it != NULL && n-- > 0) {
        it = it->next;
    }
    assert_non_null(it);
    return it;
}

static void
assert_str(const char *got, const char *want)
{
    if (want == NULL) {
        if (got != NULL) {
            fail_msg("got '%s', want NULL", got);
        }
        return;
    }
    if (got == NULL) {
        fail_msg("got NULL, want '%s'", want);
    }
    assert_string_equal(got, want);
}

static void
assert_time(struct syn_time t, const char *want)
{
    char s[TIME_RFC3339_LEN];

    if (want == NULL) {
        assert_false(t.known);
        return;
    }
    assert_true(t.known);
    assert_int_equal(time_format_rfc3339(t.unix_s, s), 20);
    assert_string_equal(s, want);
}

/* One row per fixture: what the feed and its first item must say. */
static void
test_formats_and_quirks(void **state)
{
    static const struct {
        const char *file;
        enum feed_format format;
        bool bozo;
        size_t n_items;
        const char *title, *link, *language;
        const char *id0, *url0, *title0, *published0, *summary0, *content0;
    } cases[] = {
        {"rss20.xml", FEED_FORMAT_RSS20, false, 2, "Partner News",
         "https://partner.example/", "fr", "story-1",
         "https://partner.example/a/1", "First story", "2021-07-02T07:30:00Z",
         "<p>Summary &amp; more</p>", "<p>Full <b>text</b></p>"},
        {"rss091.xml", FEED_FORMAT_RSS09X, true, 1, "Old & Gold",
         "http://old.example/", "pt-br", "http://old.example/cafe",
         "http://old.example/cafe", "Caf\xc3\xa9 com leite", NULL,
         "Texto\xc2\xa0"
         "aqui",
         NULL},
        {"rss10.rdf", FEED_FORMAT_RSS10, false, 1, "RDF Site",
         "https://rdf.example/", "de", "https://rdf.example/1",
         "https://rdf.example/1", "RDF item", "2021-07-01T00:00:00Z",
         "Plain description", "<p>RDF body</p>"},
        {"atom10.xml", FEED_FORMAT_ATOM10, false, 2, "Atom <Blog>",
         "https://atom.example/blog/", "en", "tag:atom.example,2021:1",
         "https://atom.example/blog/posts/1", "Text <title>",
         "2021-07-01T12:00:00Z", "<em>short</em>",
         /* inline markup as written: base_url is the content's xml:base */
         "<p>Hello <a href=\"x\">link</a> &amp; <br>bye</p>"},
        {"atom03.xml", FEED_FORMAT_ATOM03, false, 1, "Atom 0.3 Feed",
         "http://atom03.example/", NULL, "tag:atom03.example,2004:1",
         "http://atom03.example/1", "Old entry", "2004-01-01T19:00:00Z",
         "<b>bold</b>", "<p>Hi</p>"},
        {"json11.json", FEED_FORMAT_JSON11, false, 2, "JSON Feed",
         "https://json.example/", "en-US", "1", "https://json.example/1",
         "JSON item", "2021-07-02T09:00:00Z", "A &lt; B", "<p>Hi</p>"},
        {"json10.json", FEED_FORMAT_JSON10, false, 1, "Old JSON", NULL, NULL,
         "x", NULL, "T", NULL, NULL, NULL},
        {"quirks-entities.xml", FEED_FORMAT_RSS20, true, 1,
         "caf\xc3\xa9\xc2\xa0"
         "bar \xc2\xa9 \xe2\x80\x99 \xe2\x80\x94",
         NULL, NULL, NULL, NULL, "AT&T \xe2\x80\x94 news", NULL, "x\xc2\xa0y",
         NULL},
        {"quirks-latin1-undeclared.xml", FEED_FORMAT_RSS20, true, 1,
         "Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d", NULL, NULL, NULL, NULL,
         "Ol\xc3\xa1", NULL, NULL, NULL},
        {"quirks-windows1251.xml", FEED_FORMAT_RSS20, false, 0,
         "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL},
        {"quirks-utf16.xml", FEED_FORMAT_RSS20, false, 0,
         "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL},
        {"quirks-bare-amp.xml", FEED_FORMAT_RSS20, true, 1, "Q&A", NULL, NULL,
         "http://bare.example/?a=1&b=2&c", "http://bare.example/?a=1&b=2&c",
         "Tom & Jerry", NULL, "in CDATA & fine", NULL},
        {"quirks-case-prefix.xml", FEED_FORMAT_RSS20, true, 1, "Shouting", NULL,
         NULL, "http://case.example/1", "http://case.example/1", "Upper",
         "2021-07-03T07:05:00Z", NULL, "<i>body</i>"},
        {"quirks-html-description.xml", FEED_FORMAT_RSS20, false, 1, "Raw HTML",
         NULL, NULL, NULL, NULL, "Unescaped", NULL,
         "<p>Para <a "
         "href=\"http://x.example/?a=1&amp;b=2\">link</a><br>end</p>",
         NULL},
        {"quirks-title-markup.xml", FEED_FORMAT_RSS20, false, 1, "Markup", NULL,
         NULL, "http://m.example/1", "http://m.example/1", "Flat $4300 1930ft2",
         NULL, NULL, NULL},
        {"quirks-truncated.xml", FEED_FORMAT_RSS20, true, 2, "Cut", NULL, NULL,
         "http://cut.example/1", "http://cut.example/1", "Whole", NULL, NULL,
         NULL},
        {"quirks-entity-decl.xml", FEED_FORMAT_RSS20, true, 0,
         "ha &b;&b;&b;&b;&b;&b;&b;&b;&b;&b; &ext;", NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct feed *f = parse_file(cases[i].file, NULL, SYN_OK);

        print_message("%s\n", cases[i].file);
        assert_int_equal(f->format, cases[i].format);
        assert_int_equal(f->bozo, cases[i].bozo);
        assert_int_equal(f->bozo, f->errors.n > 0);
        assert_int_equal(f->n_items, cases[i].n_items);
        assert_str(f->title, cases[i].title);
        assert_str(f->link, cases[i].link);
        assert_str(f->language, cases[i].language);
        if (cases[i].n_items > 0) {
            const struct feed_item *it = f->items;

            if (cases[i].id0 != NULL) {
                assert_str(it->id, cases[i].id0);
            }
            assert_non_null(it->id);
            assert_str(it->url, cases[i].url0);
            assert_str(it->title, cases[i].title0);
            assert_time(it->published, cases[i].published0);
            assert_str(it->summary_html, cases[i].summary0);
            assert_str(it->content_html, cases[i].content0);
        }
        feed_free(f);
    }
}

static void
test_rss_details(void **state)
{
    struct feed *f = parse_file("rss20.xml", NULL, SYN_OK);
    const struct feed_item *a = nth(f, 0), *b = nth(f, 1);

    (void)state;
    assert_time(f->updated, "2021-07-02T10:00:00Z");
    assert_str(f->image, "https://partner.example/logo.png");
    assert_int_equal(f->ttl_min, 60);
    assert_int_equal(f->update_period_s, 3600);
    assert_int_equal(f->update_frequency, 2);
    assert_int_equal(a->authors.n, 2);
    assert_str(a->authors.v[0], "Ana Editor");
    assert_str(a->authors.v[1], "Bo Writer");
    assert_int_equal(a->categories.n, 2);
    assert_str(a->categories.v[1], "Health");
    assert_int_equal(a->n_enclosures, 1);
    assert_str(a->enclosures[0].url, "https://cdn.example/ep1.mp3");
    assert_str(a->enclosures[0].type, "audio/mpeg");
    assert_int_equal(a->enclosures[0].length, 12345);
    assert_str(a->image, "https://cdn.example/thumb1.jpg");
    assert_str(a->language, "fr");
    /* guid that is a permalink becomes the url; itunes, media:group */
    assert_str(b->url, "https://partner.example/a/2");
    assert_str(b->authors.v[0], "Cy Host");
    assert_str(b->image, "https://cdn.example/ep2.jpg");
    assert_int_equal(b->n_enclosures, 1);
    assert_int_equal(b->enclosures[0].length, 999);
    assert_time(b->published, "2021-07-01T13:00:00Z");
    assert_int_equal(b->categories.n, 2); /* nested itunes:category */
    assert_str(b->categories.v[1], "Politics");
    /* itunes:subtitle only until a real description */
    assert_str(f->description, "News from a partner");
    feed_free(f);
}

static void
test_atom_details(void **state)
{
    struct feed *f = parse_file("atom10.xml", NULL, SYN_OK);
    const struct feed_item *a = nth(f, 0), *b = nth(f, 1);

    (void)state;
    assert_str(f->image, "https://atom.example/logo.png"); /* xml:base */
    assert_str(f->description, "Notes");
    assert_time(a->updated, "2021-07-01T12:30:00Z");
    assert_int_equal(a->authors.n, 2);
    assert_str(a->authors.v[1], "anon@atom.example");
    assert_str(a->categories.v[0], "tech");
    assert_str(a->language, "es");
    assert_str(a->base_url, "https://other.example/"); /* content's */
    assert_int_equal(a->n_enclosures, 1);
    assert_int_equal(a->enclosures[0].length, 42);
    /* <source> children never override the entry */
    assert_str(a->title, "Text <title>");
    assert_str(b->language, "en");
    assert_str(b->content_html, "1 &lt; 2 &amp; 3 &gt; 2");
    assert_false(b->published.known);
    feed_free(f);
}

static void
test_json_details(void **state)
{
    struct feed *f = parse_file("json11.json", NULL, SYN_OK);
    const struct feed_item *a = nth(f, 0), *b = nth(f, 1);

    (void)state;
    assert_str(a->image, "https://json.example/1.png");
    assert_int_equal(a->categories.n, 2); /* "a" once */
    assert_str(a->language, "fr");
    assert_int_equal(a->enclosures[0].length, 100);
    assert_str(b->id, "2");
    assert_str(b->url, "https://elsewhere.example/2");
    assert_str(b->content_html, "Text only &amp; plain");
    feed_free(f);
    f = parse_file("json10.json", NULL, SYN_OK);
    assert_false(f->items->published.known); /* "not a date" is null */
    assert_str(f->items->authors.v[0], "Solo");
    feed_free(f);
}

static void
test_ids_and_urls(void **state)
{
    struct feed_parse_opts opts = {"https://site.example/feeds/x.xml", NULL};
    struct feed *f = parse_file("quirks-no-guid.xml", &opts, SYN_OK);
    struct feed *g = parse_file("quirks-no-guid.xml", NULL, SYN_OK);

    (void)state;
    /* derived ids are stable across parses */
    assert_string_equal(nth(f, 0)->id, nth(g, 0)->id);
    assert_memory_equal(nth(f, 0)->id, "urn:syndic:", 11);
    assert_string_not_equal(nth(f, 0)->id, nth(f, 2)->id);
    /* relative links resolve against the document URL */
    assert_str(nth(f, 1)->url, "https://site.example/relative/path");
    assert_str(nth(f, 1)->id, "https://site.example/relative/path");
    assert_str(nth(g, 1)->url, "/relative/path");
    feed_free(f);
    feed_free(g);
}

static void
test_http_charset(void **state)
{
    struct feed_parse_opts opts = {NULL, "utf-8"};
    struct feed *f = parse_file("quirks-http-charset.xml", &opts, SYN_OK);
    struct feed *g = parse_file("quirks-http-charset.xml", NULL, SYN_OK);

    (void)state;
    assert_str(f->title, "\xc3\xa9t\xc3\xa9");                 /* HTTP wins */
    assert_str(g->title, "\xc3\x83\xc2\xa9t\xc3\x83\xc2\xa9"); /* declared */
    feed_free(f);
    feed_free(g);
}

static void
test_encodings(void **state)
{
    static const struct {
        const char *file, *encoding;
    } cases[] = {
        {"rss20.xml", "utf-8"},
        {"rss091.xml", "iso-8859-1"},
        {"quirks-latin1-undeclared.xml", "windows-1252"},
        {"quirks-windows1251.xml", "windows-1251"},
        {"quirks-utf16.xml", "utf-16le"},
        {"json11.json", NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct feed *f = parse_file(cases[i].file, NULL, SYN_OK);

        assert_str(f->encoding, cases[i].encoding);
        feed_free(f);
    }
}

static void
test_not_feeds(void **state)
{
    static const char *const docs[] = {
        "",
        "   ",
        "hello",
        "<html><body>x</body></html>",
        "{\"a\": 1}",
        ("{\"version\": \"https://jsonfeed.org/version/1\", \"title\": \"x\", "
         "\"title\": \"y\"}"),
        "[1, 2]",
        "{\"version\": \"https://jsonfeed.org/version/1\", \"items\": [",
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(docs); i++) {
        struct syn_err err = {SYN_OK, ""};
        struct feed *f = (struct feed *)1;

        assert_int_equal(feed_parse(docs[i], strlen(docs[i]), NULL, &f, &err),
                         SYN_EPARSE);
        assert_null(f);
        assert_true(err.msg[0] != '\0');
    }
    assert_null(parse_file("not-a-feed.html", NULL, SYN_EPARSE));
}

/* Noise printed ahead of the XML is skipped and reported; XML that starts
 * as it may (a declaration, a PI, a comment, the root) is left alone. */
static void
test_preamble(void **state)
{
    static const char feed[] = "<rss version=\"2.0\"><channel><title>T</title>"
                               "<item><title>x</title></item></channel></rss>";
    static const struct {
        const char *head;
        bool bozo;
    } cases[] = {
        {"Warning: mysql_connect() failed in /srv/feed.php on line 3\n"
         "<?xml version=\"1.0\"?>",
         true},
        {"<br />\n<b>Notice</b>:  Undefined index: q in <b>/srv/f.php</b> "
         "on line <b>9</b><br />\n",
         true},
        {"\xEF\xBB\xBF\n\nstray line\n", true},
        {"<br />\n<font size='1'><table><tr><th>( ! ) Warning: x</th></tr>"
         "</table></font>\n<?xml version='1.0'?>\n",
         true},
        {"", false},
        {"  <?xml version=\"1.0\"?>", false},
        {"<?xml-stylesheet type=\"text/xsl\" href=\"/rss.xsl\"?>", false},
        {"<!-- generated -->\n", false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct syn_err err = {SYN_OK, ""};
        struct feed *f = NULL;
        struct buf doc;

        buf_init(&doc, 1u << 20);
        assert_int_equal(buf_append_str(&doc, cases[i].head), SYN_OK);
        assert_int_equal(buf_append_str(&doc, feed), SYN_OK);
        if (feed_parse(doc.data, doc.len, NULL, &f, &err) != SYN_OK) {
            fail_msg("case %zu: %s", i, err.msg);
        }
        assert_str(f->title, "T");
        assert_str(nth(f, 0)->title, "x");
        assert_int_equal(f->bozo, cases[i].bozo);
        if (cases[i].bozo) {
            assert_non_null(strstr(f->errors.v[0], "before the XML skipped"));
        }
        feed_free(f);
        buf_fini(&doc);
    }
}

/* Feeds that start with markup of their own are never cut, whatever
 * their CDATA holds; a byte order mark before the noise still wins over
 * the declaration after it. */
static void
test_preamble_keeps_xml(void **state)
{
    static const struct {
        const char *doc;
        const char *format, *title, *encoding;
        bool bozo;
    } cases[] = {
        {"<atom:feed xmlns:atom=\"http://www.w3.org/2005/Atom\">"
         "<atom:title>T</atom:title><atom:entry><atom:id>urn:1</atom:id>"
         "<atom:title>x</atom:title><atom:content type=\"html\"><![CDATA["
         "<p>Use <rss version=\"2.0\"> as root</p>]]></atom:content>"
         "</atom:entry></atom:feed>",
         "atom1.0", "T", "utf-8", false},
        {"<RSS version=\"2.0\"><channel><title>T</title><item><title>x"
         "</title><description><![CDATA[example: <?xml version=\"1.0\"?>]]>"
         "</description></item></channel></RSS>",
         "rss2.0", "T", "utf-8", false},
        {"\xEF\xBB\xBFWarning: x\n<?xml version=\"1.0\" "
         "encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>"
         "caf\xC3\xA9</title><item><title>x</title></item></channel></rss>",
         "rss2.0", "caf\xC3\xA9", "utf-8", true},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct syn_err err = {SYN_OK, ""};
        struct feed *f = NULL;

        if (feed_parse(cases[i].doc, strlen(cases[i].doc), NULL, &f, &err) !=
            SYN_OK) {
            fail_msg("case %zu: %s", i, err.msg);
        }
        assert_string_equal(feed_format_name(f->format), cases[i].format);
        assert_str(f->title, cases[i].title);
        assert_str(f->encoding, cases[i].encoding);
        assert_str(nth(f, 0)->title, "x");
        assert_int_equal(f->bozo, cases[i].bozo);
        feed_free(f);
    }
}

/* Noise longer than SYN_MAX_FEED_PREAMBLE_BYTES is not looked through. */
static void
test_preamble_limit(void **state)
{
    struct syn_err err = {SYN_OK, ""};
    struct feed *f = NULL;
    struct buf doc;
    size_t i;

    (void)state;
    buf_init(&doc, 1u << 20);
    for (i = 0; i < SYN_MAX_FEED_PREAMBLE_BYTES / 8; i++) {
        assert_int_equal(buf_append_str(&doc, "noise!\n\n"), SYN_OK);
    }
    assert_int_equal(
        buf_append_str(&doc, "<rss><channel><title>T</title></channel></rss>"),
        SYN_OK);
    assert_int_equal(feed_parse(doc.data, doc.len, NULL, &f, &err), SYN_EPARSE);
    assert_null(f);
    buf_fini(&doc);
}

/* Build "<rss><channel>" + body + "</channel></rss>" style documents. */
static char *
repeat_doc(const char *head, const char *unit, size_t n, const char *tail,
           size_t *len)
{
    struct buf b;
    size_t i;

    buf_init(&b, 1u << 30);
    assert_int_equal(buf_append_str(&b, head), SYN_OK);
    for (i = 0; i < n; i++) {
        assert_int_equal(buf_append_str(&b, unit), SYN_OK);
    }
    assert_int_equal(buf_append_str(&b, tail), SYN_OK);
    *len = b.len;
    return buf_take(&b);
}

static void
test_limits(void **state)
{
    struct syn_err err;
    struct feed *f = NULL;
    char *doc;
    size_t len, i;
    struct buf attrs;

    (void)state;
    /* items */
    doc = repeat_doc("<rss><channel>", "<item><title>x</title></item>",
                     SYN_MAX_ITEMS, "</channel></rss>", &len);
    assert_int_equal(feed_parse(doc, len, NULL, &f, &err), SYN_OK);
    assert_int_equal(f->n_items, SYN_MAX_ITEMS);
    feed_free(f);
    syn_free(doc);
    doc = repeat_doc("<rss><channel>", "<item><title>x</title></item>",
                     SYN_MAX_ITEMS + 1, "</channel></rss>", &len);
    assert_int_equal(feed_parse(doc, len, NULL, &f, &err), SYN_ETOOBIG);
    assert_null(f);
    syn_free(doc);
    /* depth */
    doc = repeat_doc("<rss><channel>", "<x>", SYN_MAX_XML_DEPTH, "", &len);
    assert_int_equal(feed_parse(doc, len, NULL, &f, &err), SYN_ETOOBIG);
    assert_non_null(strstr(err.msg, "deeper"));
    syn_free(doc);
    /* attributes */
    buf_init(&attrs, 1 << 20);
    assert_int_equal(buf_append_str(&attrs, "<rss><channel><item"), SYN_OK);
    for (i = 0; i <= SYN_MAX_XML_ATTRS; i++) {
        assert_int_equal(buf_printf(&attrs, " a%zu=\"1\"", i), SYN_OK);
    }
    assert_int_equal(buf_append_str(&attrs, "/></channel></rss>"), SYN_OK);
    assert_int_equal(feed_parse(attrs.data, attrs.len, NULL, &f, &err),
                     SYN_ETOOBIG);
    buf_fini(&attrs);
    /* size: refused before reading */
    assert_int_equal(
        feed_parse("<rss/>", SYN_MAX_FEED_BYTES + 1u, NULL, &f, &err),
        SYN_ETOOBIG);
    /* a field past SYN_MAX_FIELD_BYTES is truncated and reported */
    doc = repeat_doc("<rss><channel><title>", "abcdefgh",
                     SYN_MAX_FIELD_BYTES / 8 + 10, "</title></channel></rss>",
                     &len);
    assert_int_equal(feed_parse(doc, len, NULL, &f, &err), SYN_OK);
    assert_true(f->bozo);
    assert_true(strlen(f->title) <= SYN_MAX_FIELD_BYTES);
    feed_free(f);
    syn_free(doc);
    /* entity expansion: declarations are literal, a billion laughs stays
     * small */
    doc = repeat_doc(
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY l0 \"lol\">", "", 0,
        "<!ENTITY l1 \"&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;\">"
        "<!ENTITY l2 \"&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;\">"
        "<!ENTITY l3 \"&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;\">"
        "]><rss><channel><title>&l3;</title></channel></rss>",
        &len);
    assert_int_equal(feed_parse(doc, len, NULL, &f, &err), SYN_OK);
    assert_true(strlen(f->title) < 100);
    feed_free(f);
    syn_free(doc);
}

static void
test_json_output(void **state)
{
    struct feed *f = parse_file("rss20.xml", NULL, SYN_OK);
    struct buf out;
    json_error_t jerr;
    json_t *root, *item;

    (void)state;
    buf_init(&out, 1 << 20);
    assert_int_equal(feed_to_json(f, &out), SYN_OK);
    root = json_loadb(out.data, out.len, JSON_REJECT_DUPLICATES, &jerr);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "format")),
                        "rss2.0");
    assert_true(json_is_false(json_object_get(root, "bozo")));
    assert_string_equal(json_string_value(json_object_get(root, "updated")),
                        "2021-07-02T10:00:00Z");
    item = json_array_get(json_object_get(root, "items"), 0);
    assert_string_equal(
        json_string_value(json_object_get(item, "summary_html")),
        "<p>Summary &amp; more</p>");
    assert_true(json_is_null(json_object_get(item, "updated")));
    assert_true(json_is_null(json_object_get(item, "excerpt_text")));
    assert_int_equal(
        json_integer_value(json_object_get(
            json_array_get(json_object_get(item, "enclosures"), 0), "length")),
        12345);
    json_decref(root);
    /* a tight buffer fails cleanly and leaves it unchanged */
    buf_fini(&out);
    buf_init(&out, 100);
    assert_int_equal(buf_append_str(&out, "keep"), SYN_OK);
    assert_int_equal(feed_to_json(f, &out), SYN_ETOOBIG);
    assert_string_equal(buf_cstr(&out), "keep");
    buf_fini(&out);
    feed_free(f);
}

static void
test_entities(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a &amp; b", "a & b"},
        {"&eacute;&Eacute;&nbsp;", "\xc3\xa9\xc3\x89\xc2\xa0"},
        {"&#8217;&#x2014;&#X41;", "\xe2\x80\x99\xe2\x80\x94"
                                  "A"},
        {"&#0; &#xD800; &#1114112;", "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd"},
        {"&unknown; & &amp &", "&unknown; & &amp &"},
        {"&thetasym;&zwnj;&apos;", "\xcf\x91\xe2\x80\x8c'"},
    };
    size_t i;

    (void)state;
    assert_true(feed_entity_count() >= 253);
    assert_true(feed_entity_find("nbsp", 4) >= 0);
    assert_true(feed_entity_find("NBSP", 4) < 0);
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct buf b;

        buf_init(&b, 1000);
        assert_int_equal(
            feed_entities_decode(&b, cases[i].in, strlen(cases[i].in)), SYN_OK);
        assert_string_equal(buf_cstr(&b), cases[i].out);
        buf_fini(&b);
    }
}

/* The fast validator agrees with util/utf8 (plus its NUL rule) on edge
 * cases at every alignment of the word-at-a-time loop. */
/* C1 controls in feed text, raw or as character references, are the
 * windows-1252 characters the producer meant ("demoronized"). */
static void
test_c1_controls(void **state)
{
    static const char doc[] =
        "<rss version=\"2.0\"><channel><title>a\xc2\x85</title><item>"
        "<title>don\xc2\x92t &#147;q&#148;</title>"
        "<description>x\xc2\x96y</description></item></channel></rss>";
    struct syn_err err = {SYN_OK, ""};
    struct feed *f = NULL;

    (void)state;
    assert_int_equal(feed_parse(doc, sizeof(doc) - 1, NULL, &f, &err), SYN_OK);
    assert_str(f->title, "a\xe2\x80\xa6");
    assert_str(nth(f, 0)->title,
               "don\xe2\x80\x99t \xe2\x80\x9cq\xe2\x80\x9d");
    assert_str(nth(f, 0)->summary_html, "x\xe2\x80\x93y");
    feed_free(f);
}

/* A bare '&' is escaped outside CDATA sections and comments only: their
 * ends are found whatever precedes them ("]]]>", "- -->", "]]" alone). */
static void
test_bare_amp_literals(void **state)
{
    static const struct {
        const char *desc; /* the item's <description> content */
        const char *summary;
        bool bozo;
    } cases[] = {
        {"<![CDATA[a & b]]>", "a & b", false},
        {"<![CDATA[a & b]]]>", "a & b]", false},
        {"<![CDATA[x]] & ]>]]>", "x]] & ]>", false},
        {"<![CDATA[a]]> & b", "a & b", true},
        {"<![CDATA[a]]]]><![CDATA[> & b]]>", "a]]> & b", false},
        {"<!-- & - -- ->-->t & u", "t & u", true},
        {"<!-- a & b -->c", "c", false},
        {"p & q<![CDATA[&]]>", "p & q&", true},
        /* '!' outside "<!" (what the literal scan looks for first) */
        {"Hi! a & b!<![CDATA[!& c!]]>!", "Hi! a & b!!& c!!", true},
        {"!<!-- ! & -->! &amp; !", "!! & !", false},
        {"<![CDATA[!]]>!<![CDATA[&]]>", "!!&", false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct syn_err err = {SYN_OK, ""};
        struct feed *f = NULL;
        struct buf doc;

        buf_init(&doc, 4096);
        assert_int_equal(buf_printf(&doc,
                                    "<rss version=\"2.0\"><channel><title>T"
                                    "</title><item><title>I</title>"
                                    "<description>%s</description></item>"
                                    "</channel></rss>",
                                    cases[i].desc),
                         SYN_OK);
        assert_int_equal(feed_parse(buf_cstr(&doc), doc.len, NULL, &f, &err),
                         SYN_OK);
        assert_str(nth(f, 0)->summary_html, cases[i].summary);
        if (f->bozo != cases[i].bozo) {
            fail_msg("case %zu: bozo %d", i, (int)f->bozo);
        }
        feed_free(f);
        buf_fini(&doc);
    }
}

/* feed_to_json()'s string escaping read back by jansson: random titles
 * of controls, quotes, backslashes and other characters (as a JSON Feed,
 * so that they reach the model as they are) come back as the model holds
 * them, at every position relative to the writer's 8-byte blocks. */
static void
test_json_strings_random(void **state)
{
    static const char *const pool[] = {
        "a", "b", " ", "\"", "\\", "/", "\n", "\r", "\t", "\x01", "\x1f",
        "\x7f", "\xc3\xa9", "\xe2\x80\xa8", "<", "&", "abcdefgh",
    };
    unsigned seed = 99;
    int round;

    (void)state;
    for (round = 0; round < 3000; round++) {
        struct syn_err err = {SYN_OK, ""};
        struct feed *f = NULL;
        struct buf title, out;
        json_t *doc, *back;
        json_error_t jerr;
        char *text;
        size_t n;

        buf_init(&title, 1000);
        buf_init(&out, 1u << 16);
        seed = seed * 1103515245u + 12345u;
        for (n = 1 + (seed >> 16) % 30; n > 0; n--) {
            seed = seed * 1103515245u + 12345u;
            assert_int_equal(
                buf_append_str(&title, pool[(seed >> 16) % SYN_ARRAY_LEN(pool)]),
                SYN_OK);
        }
        doc = json_pack("{s:s, s:s#, s:[]}", "version",
                        "https://jsonfeed.org/version/1.1", "title",
                        buf_cstr(&title), title.len, "items");
        assert_non_null(doc);
        text = json_dumps(doc, 0);
        assert_non_null(text);
        assert_int_equal(feed_parse(text, strlen(text), NULL, &f, &err), SYN_OK);
        assert_int_equal(feed_to_json(f, &out), SYN_OK);
        back = json_loadb(out.data, out.len, 0, &jerr);
        assert_non_null(back);
        if (f->title == NULL) {
            assert_true(json_is_null(json_object_get(back, "title")));
        } else {
            assert_string_equal(
                json_string_value(json_object_get(back, "title")), f->title);
        }
        json_decref(back);
        json_decref(doc);
        free(text);
        feed_free(f);
        buf_fini(&title);
        buf_fini(&out);
    }
}

/* Media RSS title and description stand in for missing ones only. */
static void
test_media_text(void **state)
{
    static const char doc[] =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
        "xmlns:media=\"http://search.yahoo.com/mrss/\">"
        "<entry><id>1</id><media:group><media:title>MT</media:title>"
        "<media:description>A &amp; b</media:description></media:group>"
        "</entry>"
        "<entry><id>2</id><media:title>weak</media:title><title>Real</title>"
        "<summary>Sum</summary><media:description type=\"html\">"
        "&lt;b&gt;no&lt;/b&gt;</media:description></entry>"
        "<entry><id>3</id><media:description type=\"html\">"
        "&lt;b&gt;bold&lt;/b&gt;</media:description></entry></feed>";
    struct syn_err err = {SYN_OK, ""};
    struct feed *f = NULL;

    (void)state;
    assert_int_equal(feed_parse(doc, sizeof(doc) - 1, NULL, &f, &err), SYN_OK);
    assert_str(nth(f, 0)->title, "MT");
    assert_str(nth(f, 0)->summary_html, "A &amp; b");
    assert_str(nth(f, 1)->title, "Real");
    assert_str(nth(f, 1)->summary_html, "Sum");
    assert_str(nth(f, 2)->summary_html, "<b>bold</b>");
    feed_free(f);
}

static void
test_utf8_clean(void **state)
{
    static const struct {
        const char *s;
        size_t len;
    } cases[] = {
        {"plain ascii text", 16},
        {"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", 17},
        {"\xc0\xaf", 2},         /* overlong */
        {"\xe0\x80\xaf", 3},     /* overlong */
        {"\xed\xa0\x80", 3},     /* surrogate */
        {"\xf4\x90\x80\x80", 4}, /* > U+10FFFF */
        {"\xf5\x80\x80\x80", 4},
        {"abc\xe6\x97", 5}, /* truncated */
        {"\x80", 1},
        {"abcdefgh\0ijk", 12}, /* NUL */
        {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
         "abcdefghijk",
         19},
        {"abcdefghijklmnop\xff", 17},
    };
    char tmp[64];
    size_t i, shift;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        for (shift = 0; shift < 8; shift++) {
            bool want;

            memset(tmp, 'x', shift);
            memcpy(tmp + shift, cases[i].s, cases[i].len);
            want = utf8_valid(tmp, shift + cases[i].len) &&
                   memchr(tmp, '\0', shift + cases[i].len) == NULL;
            assert_int_equal(fb_utf8_clean(tmp, shift + cases[i].len), want);
        }
    }
}

/* fb_utf8_clean() against utf8_valid() plus a NUL check on random strings
 * of the bytes that matter (ASCII, NUL, every boundary of the lead and
 * continuation ranges), long enough to cross its 8-byte blocks. */
static void
test_utf8_clean_random(void **state)
{
    static const unsigned char pool[] = {
        'a',  ' ',  '<',  0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
        0xC0, 0xC1, 0xC2, 0xC3, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF,
        0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF, 0xA9, 0x85,
    };
    /* valid sequences too, or random bytes would almost never be valid */
    static const char *const seqs[] = {
        "\xC3\xA9", "\xE2\x80\xA6", "\xF0\x9F\x98\x80", "\xE0\xA0\x80",
        "\xED\x9F\xBF", "\xF4\x8F\xBF\xBF", "\xF0\x90\x80\x80", "abcdefgh",
    };
    unsigned seed = 4242;
    int round;

    (void)state;
    for (round = 0; round < 50000; round++) {
        char in[48];
        size_t len = 0, want_len;

        seed = seed * 1103515245u + 12345u;
        want_len = (seed >> 16) % 40;
        while (len < want_len) {
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 16) % 4 == 0) {
                in[len++] = (char)pool[(seed >> 20) % SYN_ARRAY_LEN(pool)];
            } else {
                const char *q = seqs[(seed >> 20) % SYN_ARRAY_LEN(seqs)];
                size_t n = strlen(q);

                memcpy(in + len, q, n);
                len += n;
            }
        }
        assert_int_equal(fb_utf8_clean(in, len),
                         utf8_valid(in, len) && memchr(in, 0, len) == NULL);
    }
}

static void
test_base64(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"PHA+SGk8L3A+", "<p>Hi</p>"},
        {"  PHA+\n SGk8L3A+\n", "<p>Hi</p>"},
        {"YQ==", "a"},
        {"YWI=", "ab"},
        {"YWJj", "abc"},
        {"YWJj=ignored", "abc"},
        {"-_-_", "\xfb\xff\xbf"},
        {"", ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct buf b;

        buf_init(&b, 100);
        assert_int_equal(fb_base64_decode(cases[i].in, strlen(cases[i].in), &b),
                         SYN_OK);
        assert_string_equal(buf_cstr(&b), cases[i].out);
        buf_fini(&b);
    }
}

struct doc {
    char *data;
    size_t len;
};

static enum syn_status
parse_doc_once(void *state)
{
    static const struct feed_parse_opts opts = {
        "http://example.com/feeds/x.xml", NULL};
    const struct doc *d = state;
    struct syn_err err;
    struct feed *f = NULL;
    struct buf out;
    enum syn_status st;

    st = feed_parse(d->data, d->len, &opts, &f, &err);
    if (st == SYN_OK) {
        buf_init(&out, 1 << 20);
        st = feed_to_json(f, &out);
        buf_fini(&out);
        feed_free(f);
    }
    return st;
}

static void
test_alloc_failures_parse(void **state)
{
    static const char *const files[] = {
        "rss20.xml",
        "atom10.xml",
        "json11.json",
        "quirks-entities.xml",
        "quirks-latin1-undeclared.xml",
        "quirks-bare-amp.xml",
        /* test_leniency.c's fixtures */
        "lenient-charref-x.xml",
        "lenient-atom03-base64.xml",
        "lenient-lang.xml",
        "lenient-rdf.xml",
        "lenient-cdf.xml",
        "lenient-xhtml-base.xml",
        "lenient-utf8-mislabeled.xml",
        "lenient-gb2312-gbk.xml",
        "lenient-atom-authors.xml",
        "lenient-json-authors.json",
        "lenient-double-escaped.xml",
        "lenient-xhtml-escapes.xml", /* a failure in the middle of an escape */
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(files); i++) {
        struct doc d;
        char rel[256];

        snprintf(rel, sizeof(rel), "feeds/%s", files[i]);
        d.data = test_read_file(test_data_path(rel), &d.len);
        assert_non_null(d.data);
        assert_int_equal(parse_doc_once(&d), SYN_OK);
        assert_true(test_alloc_failures(parse_doc_once, &d) > 1);
        syn_free(d.data);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats_and_quirks),
        cmocka_unit_test(test_rss_details),
        cmocka_unit_test(test_atom_details),
        cmocka_unit_test(test_json_details),
        cmocka_unit_test(test_ids_and_urls),
        cmocka_unit_test(test_http_charset),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_not_feeds),
        cmocka_unit_test(test_preamble),
        cmocka_unit_test(test_preamble_keeps_xml),
        cmocka_unit_test(test_preamble_limit),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_utf8_clean),
        cmocka_unit_test(test_utf8_clean_random),
        cmocka_unit_test(test_bare_amp_literals),
        cmocka_unit_test(test_json_strings_random),
        cmocka_unit_test(test_c1_controls),
        cmocka_unit_test(test_media_text),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_alloc_failures_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
