/* app/normalize: a parsed item comes out sanitized, excerpted, with a lead
 * image and plain text; failures leave no leak. */
#include "testutil.h"

#include <string.h>

#include "app/normalize.h"
#include "feed/parse.h"

static const char feed_xml[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
    "<link>https://example.org/</link>"
    "<item><title>One</title><link>https://example.org/1</link>"
    "<description><![CDATA[<p onclick=\"x()\">Hello <b>world</b>. "
    "<script>alert(1)</script>Second sentence here.</p>"
    "<img src=\"/img/lead.jpg\" width=\"600\" height=\"400\">"
    "<img src=\"https://t.example.net/pixel.gif\" width=\"1\" "
    "height=\"1\">]]></description></item>"
    "<item><title>Two</title><link>https://example.org/2</link>"
    "</item></channel></rss>";

static enum syn_status
normalize_feed(void *state)
{
    struct normalize_opts o = {40, 40};
    struct feed_parse_opts popts = {"https://example.org/feed.xml", NULL};
    const char **texts = state;
    struct feed *f = NULL;
    struct feed_item *it;
    struct syn_err err;
    enum syn_status st;
    size_t i = 0;

    st = feed_parse(feed_xml, sizeof(feed_xml) - 1, &popts, &f, &err);
    for (it = f != NULL ? f->items : NULL; st == SYN_OK && it != NULL;
         it = it->next) {
        const char *text = NULL;

        st = normalize_item(f, it, &o, &text, &err);
        if (st == SYN_OK && texts != NULL && i < 2) {
            texts[i++] = text;
        }
        if (st == SYN_OK && texts != NULL && it == f->items) {
            assert_non_null(it->summary_html);
            assert_null(strstr(it->summary_html, "script"));
            assert_null(strstr(it->summary_html, "onclick"));
            assert_null(strstr(it->summary_html, "pixel.gif"));
            assert_non_null(strstr(it->summary_html, "<b>world</b>"));
            assert_non_null(it->excerpt_text);
            assert_non_null(strstr(it->excerpt_text, "Hello world."));
            assert_null(strstr(it->excerpt_text, "alert"));
            assert_non_null(it->excerpt_html);
            assert_string_equal(it->image,
                                "https://example.org/img/lead.jpg");
            assert_non_null(text);
            assert_non_null(strstr(text, "Second sentence here."));
        }
        if (st == SYN_OK && texts != NULL && it != f->items) {
            /* No body: no HTML, no excerpt, no image, empty text. */
            assert_null(it->summary_html);
            assert_null(it->excerpt_html);
            assert_null(it->image);
        }
    }
    feed_free(f);
    return st;
}

static void
test_normalize(void **state)
{
    const char *texts[2] = {NULL, NULL};

    (void)state;
    assert_int_equal(normalize_feed(texts), SYN_OK);
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(normalize_feed, NULL) > 10);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
