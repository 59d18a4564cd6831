/* feed/opml: import of nested and broken lists, refusal of entities,
 * export escaping and a parse/export/parse round trip. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/opml.h"
#include "util/mem.h"

struct want_feed {
    const char *xml_url, *html_url, *title;
    const char *topics[6];
};

static const struct want_feed nested_want[] = {
    {"https://clinic.example.org/feed.xml",
     "https://clinic.example.org/",
     "Clinic News Network",
     {"Health"}},
    {"https://vaccines.example.net/rss",
     NULL,
     "Vaccine Watch",
     {"Health", "Vaccines", "Immunology", "policy"}},
    {"http://plain.example.com/atom.xml",
     NULL,
     "Untitled folder-less feed",
     {NULL}},
    {"https://notitle.example.com/index.xml", NULL, NULL, {NULL}},
    {"https://eau.example.fr/feed",
     NULL,
     "R\xc3\xa9seau Eau",
     {"Water & Sanitation", "eau"}},
};

static void
assert_str_or_null(const char *got, const char *want)
{
    if (want == NULL) {
        assert_null(got);
    } else {
        assert_string_equal(got, want);
    }
}

static void
check_feeds(const struct opml_doc *d, const struct want_feed *want, size_t n)
{
    size_t i, k;

    assert_int_equal(d->n_feeds, n);
    for (i = 0; i < n; i++) {
        const struct opml_feed *f = &d->feeds[i];

        assert_string_equal(f->xml_url, want[i].xml_url);
        assert_str_or_null(f->html_url, want[i].html_url);
        assert_str_or_null(f->title, want[i].title);
        for (k = 0; want[i].topics[k] != NULL; k++) {
            assert_true(k < f->n_topics);
            assert_string_equal(f->topics[k], want[i].topics[k]);
        }
        assert_int_equal(f->n_topics, k);
    }
}

static struct opml_doc *
parse_fixture(const char *name, enum syn_status want)
{
    struct opml_doc *d = NULL;
    struct syn_err err;
    size_t len;
    char *buf = test_read_file(test_data_path(name), &len);
    enum syn_status st;

    assert_non_null(buf);
    syn_err_clear(&err);
    st = opml_parse(buf, len, &d, &err);
    if (st != want) {
        fail_msg("%s: got %s (%s)", name, syn_status_name(st), err.msg);
    }
    if (st != SYN_OK) {
        assert_true(err.msg[0] != '\0');
    }
    syn_free(buf);
    return d;
}

static void
test_nested(void **state)
{
    struct opml_doc *d = parse_fixture("opml/nested.opml", SYN_OK);

    (void)state;
    assert_string_equal(d->title, "Partner feeds");
    check_feeds(d, nested_want, SYN_ARRAY_LEN(nested_want));
    opml_free(d);
}

static void
test_bad_documents(void **state)
{
    static const struct {
        const char *name;
        enum syn_status st;
        size_t n_feeds;
    } cases[] = {
        {"opml/broken.opml", SYN_OK, 2},
        {"opml/external.opml", SYN_OK, 1},
        {"opml/entities.opml", SYN_EDENIED, 0},
        {"opml/not-opml.xml", SYN_EPARSE, 0},
        {"opml/nobody.opml", SYN_EPARSE, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct opml_doc *d = parse_fixture(cases[i].name, cases[i].st);

        if (cases[i].st == SYN_OK) {
            assert_int_equal(d->n_feeds, cases[i].n_feeds);
        } else {
            assert_null(d);
        }
        opml_free(d);
    }
}

static void
test_inline_documents(void **state)
{
    static const struct {
        const char *doc;
        enum syn_status st;
        size_t n_feeds;
    } cases[] = {
        {"", SYN_EPARSE, 0},
        {"<opml><body/></opml>", SYN_OK, 0},
        {"<OPML><BODY><Outline XMLURL='u'/></BODY></OPML>", SYN_OK, 1},
        {"<opml><body><outline xmlUrl='   '/></body></opml>", SYN_OK, 0},
        {"<x:opml xmlns:x='urn:x'><x:body/></x:opml>", SYN_OK, 0},
        {"\xef\xbb\xbf<opml><body><outline xmlUrl='a'/></body></opml>", SYN_OK,
         1},
        {"<opml><body><outline xmlUrl='a'><outline xmlUrl='b'/></outline>"
         "</body></opml>",
         SYN_OK, 1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct opml_doc *d = NULL;
        enum syn_status st =
            opml_parse(cases[i].doc, strlen(cases[i].doc), &d, NULL);

        if (st != cases[i].st) {
            fail_msg("case %zu: got %s", i, syn_status_name(st));
        }
        if (st == SYN_OK) {
            assert_int_equal(d->n_feeds, cases[i].n_feeds);
        }
        opml_free(d);
    }
}

static void
test_depth_limit(void **state)
{
    struct buf b;
    struct opml_doc *d = NULL;
    int i;

    (void)state;
    buf_init(&b, 1 << 20);
    assert_int_equal(buf_append_str(&b, "<opml><body>"), SYN_OK);
    for (i = 0; i < 40; i++) {
        assert_int_equal(buf_append_str(&b, "<outline text='f'>"), SYN_OK);
    }
    assert_int_equal(buf_append_str(&b, "<outline xmlUrl='deep'/>"), SYN_OK);
    for (i = 0; i < 40; i++) {
        assert_int_equal(buf_append_str(&b, "</outline>"), SYN_OK);
    }
    assert_int_equal(buf_append_str(&b, "</body></opml>"), SYN_OK);
    assert_int_equal(opml_parse(b.data, b.len, &d, NULL), SYN_ETOOBIG);
    assert_null(d);
    buf_fini(&b);
}

static void
test_export_escaping(void **state)
{
    static const char *const topics[] = {"a,b", "c/d", "caf\xc3\xa9",
                                         "bad\xff"};
    const struct opml_feed feeds[] = {
        {"https://x.example/feed?a=1&b=<2>", NULL, "A <b> & \"c\"\n\ttab\x01.",
         topics, 4},
        {"https://y.example/", "https://y.example/home", NULL, NULL, 0},
    };
    static const char want[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<opml version=\"2.0\">\n<head>\n<title>List &amp; co</title>\n"
        "</head>\n<body>\n"
        "<outline type=\"rss\" text=\"A &lt;b&gt; &amp; &quot;c&quot;&#10;"
        "&#9;tab.\" title=\"A &lt;b&gt; &amp; &quot;c&quot;&#10;&#9;tab.\" "
        "xmlUrl=\"https://x.example/feed?a=1&amp;b=&lt;2&gt;\" "
        "category=\"a-b,c-d,caf\xc3\xa9,bad\xef\xbf\xbd\"/>\n"
        "<outline type=\"rss\" text=\"https://y.example/\" "
        "xmlUrl=\"https://y.example/\" htmlUrl=\"https://y.example/home\"/>\n"
        "</body>\n</opml>\n";
    struct opml_doc *d = NULL;
    struct buf b;

    (void)state;
    buf_init(&b, 1 << 20);
    assert_int_equal(opml_export(feeds, 2, "List & co", &b, NULL), SYN_OK);
    assert_string_equal(b.data, want);
    /* It reads back. */
    assert_int_equal(opml_parse(b.data, b.len, &d, NULL), SYN_OK);
    assert_string_equal(d->title, "List & co");
    assert_int_equal(d->n_feeds, 2);
    assert_string_equal(d->feeds[0].title, "A <b> & \"c\"\n\ttab.");
    assert_string_equal(d->feeds[0].xml_url,
                        "https://x.example/feed?a=1&b=<2>");
    assert_int_equal(d->feeds[0].n_topics, 4);
    assert_string_equal(d->feeds[0].topics[0], "a-b");
    assert_string_equal(d->feeds[0].topics[1], "c-d");
    opml_free(d);
    /* Too small a buffer fails cleanly. */
    buf_reset(&b);
    b.max = 100;
    assert_int_equal(opml_export(feeds, 2, NULL, &b, NULL), SYN_ETOOBIG);
    buf_fini(&b);
}

static enum syn_status
round_trip(void *state)
{
    const char *path = state;
    struct opml_doc *d = NULL, *again = NULL;
    struct buf b;
    size_t len;
    char *src = test_read_file(path, &len);
    enum syn_status st;

    buf_init(&b, 1 << 20);
    if (src == NULL) {
        st = SYN_ENOMEM;
        goto out;
    }
    st = opml_parse(src, len, &d, NULL);
    if (st == SYN_OK) {
        st = opml_export(d->feeds, d->n_feeds, d->title, &b, NULL);
    }
    if (st == SYN_OK) {
        st = opml_parse(b.data, b.len, &again, NULL);
    }
    if (st == SYN_OK) {
        check_feeds(again, nested_want, SYN_ARRAY_LEN(nested_want));
        assert_string_equal(again->title, "Partner feeds");
    }
out:
    opml_free(d);
    opml_free(again);
    syn_free(src);
    buf_fini(&b);
    return st;
}

static void
test_round_trip_and_alloc_failures(void **state)
{
    char path[4096];

    (void)state;
    snprintf(path, sizeof(path), "%s", test_data_path("opml/nested.opml"));
    assert_int_equal(round_trip(path), SYN_OK);
    assert_true(test_alloc_failures(round_trip, path) > 5);
}

/* Subscription lists exported by real readers, when ../shared/corpus is
 * present: every xmlUrl becomes a feed, each with a title. */
static void
test_corpus(void **state)
{
    static const struct {
        const char *file;
        size_t n_feeds;
    } cases[] = {
        {"subscriptions.opml", 207},
        {"subscriptions-no-title-attributes.opml", 207},
    };
    const char *root = getenv("SYNDIC_CORPUS");
    size_t i, k;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        char path[4096];
        struct opml_doc *d = NULL;
        size_t len;
        char *buf;

        snprintf(path, sizeof(path), "%s/feeds/real/other/%s",
                 root != NULL ? root : "", cases[i].file);
        buf = test_read_file(path, &len);
        if (buf == NULL) {
            printf("# corpus file %s absent: skipped\n", path);
            skip();
        }
        assert_int_equal(opml_parse(buf, len, &d, NULL), SYN_OK);
        assert_int_equal(d->n_feeds, cases[i].n_feeds);
        for (k = 0; k < d->n_feeds; k++) {
            assert_true(strncmp(d->feeds[k].xml_url, "http", 4) == 0);
            assert_non_null(d->feeds[k].title);
        }
        opml_free(d);
        syn_free(buf);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_bad_documents),
        cmocka_unit_test(test_inline_documents),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_export_escaping),
        cmocka_unit_test(test_round_trip_and_alloc_failures),
        cmocka_unit_test(test_corpus),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
