/* feed/parse leniency beyond the basics of test_parse.c: upper-case X
 * character references, Atom 0.3 base64, RSS author forms, language tags
 * and the language of an item's text, RSS 1.0 rdf:about and RSS 0.90,
 * CDF, relative URLs in inline XHTML, <fullitem>, media:category and
 * <itunes:link rel="image">. One row per fact, over the lenient-*
 * fixtures in tests/data/feeds/ (test_parse.c also parses each one under
 * allocation-failure injection). */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "feed/parse.h"
#include "util/mem.h"
#include "util/time.h"

#define DOC_URL "http://example.com/feeds/x.xml"

enum what {
    W_FORMAT,
    W_BOZO, /* "true" / "false" */
    W_ENCODING,
    W_FEED_TITLE,
    W_FEED_LINK,
    W_FEED_DESC,
    W_FEED_LANG,
    W_FEED_UPDATED,
    W_FEED_IMAGE,
    W_ID,
    W_URL,
    W_TITLE,
    W_SUMMARY,
    W_CONTENT,
    W_AUTHOR0,
    W_AUTHOR1,
    W_CATEGORY0,
    W_CATEGORY1,
    W_LANG,
    W_UPDATED,
};

static const struct row {
    const char *file;
    enum what what;
    int item;         /* index for item fields */
    const char *want; /* NULL: absent */
} rows[] = {
    /* &#X41; is "A" (XML allows only &#x41;); reported, not dropped */
    {"lenient-charref-x.xml", W_FEED_TITLE, 0, "Refs KL"},
    {"lenient-charref-x.xml", W_TITLE, 0, "ABC"},
    {"lenient-charref-x.xml", W_SUMMARY, 0, "x &#X3C; y & z"},
    {"lenient-charref-x.xml", W_BOZO, 0, "true"},
    /* Atom 0.3 base64 without a type is HTML; with text/plain, text */
    {"lenient-atom03-base64.xml", W_SUMMARY, 0, "<b>Bold</b> &amp; more"},
    {"lenient-atom03-base64.xml", W_CONTENT, 0, "<p>Hi</p>"},
    {"lenient-atom03-base64.xml", W_SUMMARY, 1, "&lt;b&gt;Bold&lt;/b&gt;"},
    {"lenient-atom03-base64.xml", W_BOZO, 0, "false"},
    /* author forms */
    {"lenient-rss-authors.xml", W_AUTHOR0, 0, "Jane Roe"},
    {"lenient-rss-authors.xml", W_AUTHOR0, 1, "Jane Roe"},
    {"lenient-rss-authors.xml", W_AUTHOR0, 2, "John Doe"},
    {"lenient-rss-authors.xml", W_AUTHOR0, 3, "Ann Lee"},
    {"lenient-rss-authors.xml", W_AUTHOR0, 4, "Smith, John (Editor)"},
    {"lenient-rss-authors.xml", W_AUTHOR0, 5, "only@example.org"},
    /* languages */
    {"lenient-lang.xml", W_FEED_LANG, 0, "fr-FR"},
    {"lenient-lang.xml", W_LANG, 0, "en-GB"},
    {"lenient-lang.xml", W_LANG, 1, "fr-FR"},
    {"lenient-lang.xml", W_LANG, 2, "de"}, /* summary inherits the entry's */
    {"lenient-lang.xml", W_LANG, 3, "es"}, /* only the title has one */
    /* RSS 1.0 and 0.90 */
    {"lenient-rdf.xml", W_BOZO, 0, "false"},
    {"lenient-rdf.xml", W_FORMAT, 0, "rss1.0"},
    {"lenient-rdf.xml", W_FEED_TITLE, 0, "RDF by DC"},
    {"lenient-rdf.xml", W_ID, 0, "urn:example:item-1"},
    {"lenient-rdf.xml", W_URL, 0, "http://example.org/1"},
    {"lenient-rdf.xml", W_ID, 1, "http://example.org/2"},
    {"lenient-rss090.xml", W_FORMAT, 0, "rss0.9x"},
    {"lenient-rss090.xml", W_TITLE, 0, "Old"},
    /* CDF */
    {"lenient-cdf.xml", W_FEED_LINK, 0, "http://example.org/cdf/"},
    {"lenient-cdf.xml", W_FEED_UPDATED, 0, "2004-04-07T04:05:43Z"},
    {"lenient-cdf.xml", W_FEED_DESC, 0, "About the channel"},
    {"lenient-cdf.xml", W_URL, 0, "http://example.com/feeds/story.html"},
    {"lenient-cdf.xml", W_UPDATED, 0, "2004-04-05T10:00:00Z"},
    {"lenient-cdf.xml", W_SUMMARY, 0, "About the story"},
    {"lenient-cdf.xml", W_TITLE, 0, "A story"},
    /* inline XHTML: relative URLs mean what the item's base_url says (the
     * sanitizer resolves them), except under an xml:base inside the field;
     * xml:lang is HTML's lang */
    {"lenient-xhtml-base.xml", W_CONTENT, 0,
     "<a href=\"post/1\">one</a> <img src=\"/img/a.png\" alt=\"a\"> "
     "<a href=\"https://other.example/abs\">abs</a>"},
    {"lenient-xhtml-base.xml", W_SUMMARY, 1,
     "<a href=\"rel\">doc</a> <span lang=\"fr\">"
     "<a href=\"http://example.net/sub/deep\">deep</a></span>"},
    /* ids stay as written: resolved, they would follow the fetch URL */
    {"lenient-xhtml-base.xml", W_ID, 2, "/posts/3"},
    {"lenient-xhtml-base.xml", W_ID, 3, "//cdn.example/x"},
    /* rarer RSS elements */
    {"lenient-rss-extras.xml", W_CONTENT, 0, "<p>Full text</p>"},
    {"lenient-rss-extras.xml", W_SUMMARY, 0, "Short"},
    {"lenient-rss-extras.xml", W_CATEGORY0, 0, "Music"},
    {"lenient-rss-extras.xml", W_CATEGORY1, 0, "Jazz"},
    {"lenient-rss-extras.xml", W_FEED_IMAGE, 0, "http://example.org/logo.png"},
    {"lenient-rss-extras.xml", W_TITLE, 1, "Caption bold"},
    /* labeled UTF-8, no UTF-8 sequence at all: windows-1252 */
    {"lenient-utf8-mislabeled.xml", W_FEED_TITLE, 0,
     "Bad \xe2\x80\x9cquotes\xe2\x80\x9d caf\xc3\xa9"},
    {"lenient-utf8-mislabeled.xml", W_TITLE, 0,
     "Na\xc3\xafve r\xc3\xa9sum\xc3\xa9"},
    {"lenient-utf8-mislabeled.xml", W_ENCODING, 0, "windows-1252"},
    {"lenient-utf8-mislabeled.xml", W_BOZO, 0, "true"},
    /* ... but mostly valid UTF-8 with a stray byte stays UTF-8 */
    {"lenient-utf8-stray.xml", W_FEED_TITLE, 0, "Caf\xc3\xa9 \xef\xbf\xbd ok"},
    {"lenient-utf8-stray.xml", W_TITLE, 0, "Cr\xc3\xa8me"},
    {"lenient-utf8-stray.xml", W_ENCODING, 0, "utf-8"},
    /* GB2312 is read as GB18030 (U+9555 is GBK only) */
    {"lenient-gb2312-gbk.xml", W_FEED_TITLE, 0,
     "\xe4\xb8\xad\xe6\x96\x87 \xe6\x9c\xb1\xe9\x95\x95\xe5\x9f\xba"},
    {"lenient-gb2312-gbk.xml", W_ENCODING, 0, "gb18030"},
    {"lenient-gb2312-gbk.xml", W_BOZO, 0, "false"},
    /* authors: the entry's, else its source's, else the feed's */
    {"lenient-atom-authors.xml", W_AUTHOR0, 0, "Entry Writer"},
    {"lenient-atom-authors.xml", W_AUTHOR1, 0, NULL},
    {"lenient-atom-authors.xml", W_AUTHOR0, 1, "Source Writer"},
    {"lenient-atom-authors.xml", W_AUTHOR1, 1, "second@example.org"},
    {"lenient-atom-authors.xml", W_TITLE, 1, "From source"},
    {"lenient-atom-authors.xml", W_AUTHOR0, 2, "Feed Writer"},
    {"lenient-atom-authors.xml", W_AUTHOR1, 2, "Co Writer"},
    {"lenient-atom-authors.xml", W_FEED_TITLE, 0, "Authors"},
    {"lenient-json-authors.json", W_AUTHOR0, 0, "Item Person"},
    {"lenient-json-authors.json", W_AUTHOR1, 0, NULL},
    {"lenient-json-authors.json", W_AUTHOR0, 1, "Feed Person"},
    {"lenient-json-authors.json", W_AUTHOR0, 2, "Old Style"},
    /* HTML escaped twice: unescaped once when the whole field is
     * escaped markup of a common element */
    {"lenient-double-escaped.xml", W_SUMMARY, 0, "<p>Hello <b>world</b></p>"},
    {"lenient-double-escaped.xml", W_SUMMARY, 1,
     "&lt;p&gt; is the paragraph tag."},
    {"lenient-double-escaped.xml", W_SUMMARY, 2,
     "Use &lt;b&gt; for bold: &lt;b&gt;"},
    {"lenient-double-escaped.xml", W_SUMMARY, 3,
     "<p class=\"x\">Fish &amp; chips</p>"},
    {"lenient-double-escaped.xml", W_SUMMARY, 4, "<p>Normal</p>"},
    {"lenient-double-escaped.xml", W_SUMMARY, 5,
     "&lt;blink&gt;not a common tag&lt;/blink&gt;"},
    {"lenient-double-escaped.xml", W_BOZO, 0, "true"},
    {"lenient-double-escaped.xml", W_TITLE, 6,
     "Wait\xe2\x80\xa6 AT&T\xe2\x80\x99s"},
    {"lenient-double-escaped.xml", W_TITLE, 7, "Tom & Jerry <3"},
};

static const char *
time_str(struct syn_time t, char buf[TIME_RFC3339_LEN])
{
    if (!t.known)
        return NULL;
    time_format_rfc3339(t.unix_s, buf);
    return buf;
}

static const char *
nth_str(struct feed_strings s, size_t i)
{
    return i < s.n ? s.v[i] : NULL;
}

static const char *
value_of(const struct feed *f, const struct row *r, char tbuf[TIME_RFC3339_LEN])
{
    const struct feed_item *it = f->items;
    int i;

    for (i = 0; it != NULL && i < r->item; i++) {
        it = it->next;
    }
    switch (r->what) {
    case W_FORMAT:
        return feed_format_name(f->format);
    case W_BOZO:
        return f->bozo ? "true" : "false";
    case W_ENCODING:
        return f->encoding;
    case W_FEED_TITLE:
        return f->title;
    case W_FEED_LINK:
        return f->link;
    case W_FEED_DESC:
        return f->description;
    case W_FEED_LANG:
        return f->language;
    case W_FEED_UPDATED:
        return time_str(f->updated, tbuf);
    case W_FEED_IMAGE:
        return f->image;
    default:
        break;
    }
    assert_non_null(it);
    switch (r->what) {
    case W_ID:
        return it->id;
    case W_URL:
        return it->url;
    case W_TITLE:
        return it->title;
    case W_SUMMARY:
        return it->summary_html;
    case W_CONTENT:
        return it->content_html;
    case W_AUTHOR0:
        return nth_str(it->authors, 0);
    case W_AUTHOR1:
        return nth_str(it->authors, 1);
    case W_CATEGORY0:
        return nth_str(it->categories, 0);
    case W_CATEGORY1:
        return nth_str(it->categories, 1);
    case W_LANG:
        return it->language;
    case W_UPDATED:
        return time_str(it->updated, tbuf);
    default:
        return NULL;
    }
}

static struct feed *
parse_fixture(const char *name)
{
    static const struct feed_parse_opts opts = {DOC_URL, NULL};
    struct syn_err err = {SYN_OK, ""};
    struct feed *f = NULL;
    char rel[256];
    size_t len;
    char *data;

    snprintf(rel, sizeof(rel), "feeds/%s", name);
    data = test_read_file(test_data_path(rel), &len);
    assert_non_null(data);
    if (feed_parse(data, len, &opts, &f, &err) != SYN_OK) {
        fail_msg("%s: %s", name, err.msg);
    }
    syn_free(data);
    return f;
}

static void
test_lenient_rows(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct feed *f = parse_fixture(rows[i].file);
        char tbuf[TIME_RFC3339_LEN];
        const char *got = value_of(f, &rows[i], tbuf);

        if (rows[i].want == NULL ? got != NULL
                                 : got == NULL || strcmp(got, rows[i].want)) {
            fail_msg("%s row %zu (item %d): got '%s', want '%s'", rows[i].file,
                     i, rows[i].item, got != NULL ? got : "(null)",
                     rows[i].want != NULL ? rows[i].want : "(null)");
        }
        feed_free(f);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lenient_rows),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
