/* html/excerpt, html/text, html/image: excerpt boundaries (paragraph,
 * sentence, word), CJK counting, normalization; text extraction; lead
 * image choice; allocation failures. */
#include "testutil.h"

#include <string.h>

#include "html/excerpt.h"
#include "html/image.h"
#include "html/text.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/utf8.h"

struct ex_case {
    const char *name;
    const char *in;
    size_t words;
    const char *want_html;
    const char *want_text;
};

static const struct ex_case ex_cases[] = {
    /* words continued by ASCII and two-byte letters (walk.c word_tail) */
    {"two-byte letters, closers and a no-break space inside words",
     "<p>Größe spät»quote« und\xC2\xA0"
     "nbsp Straße. Über alles, ja wirklich viel mehr.</p>",
     5, "<p>Größe spät»quote« und nbsp Straße. …</p>",
     "Größe spät»quote« und nbsp Straße. …"},
    {"Cyrillic words with guillemets, cut at a sentence end",
     "<p>Река «завтра» министр. Суд правительство сегодня рост больница "
     "вчера, завтра министр.</p>",
     4, "<p>Река «завтра» министр. …</p>", "Река «завтра» министр. …"},
    {"a closer after the sentence end still ends the sentence",
     "<p>mix 日本語 and Größe.» End of the story comes later.</p>", 6,
     "<p>mix 日本語 and Größe.» …</p>", "mix 日本語 and Größe.» …"},
    {"short text kept whole", "<p>Short and sweet.</p>", 40,
     "<p>Short and sweet.</p>", "Short and sweet."},
    {"whole paragraphs when they fill half",
     "<p>One two three four five six.</p><p>Seven eight nine ten eleven twelve "
     "thirteen fourteen.</p>",
     10, "<p>One two three four five six. …</p>",
     "One two three four five six. …"},
    {"sentence end inside a long paragraph",
     "<p>The first sentence is here. The second sentence runs on for quite a "
     "while longer than the budget allows us.</p>",
     10, "<p>The first sentence is here. …</p>",
     "The first sentence is here. …"},
    {"hard cut at a word when no boundary fits",
     "<p>Averyveryverylongsentencewithoutanybreak and then some words go on "
     "and on and on and on.</p>",
     5, "<p>Averyveryverylongsentencewithoutanybreak and then some words…</p>",
     "Averyveryverylongsentencewithoutanybreak and then some words…"},
    {"never inside an entity or a tag",
     "<p>Fish &amp; chips &lt;3 <b>bold words here</b> and more words after "
     "that.</p>",
     5, "<p>Fish &amp; chips &lt;3 <b>bold…</b></p>", "Fish & chips <3 bold…"},
    {"media, tables and scripts left out",
     "<p>Intro <img src=\"https://i.example/a.jpg\"> "
     "text.</p><table><tr><td>cell</td></tr></table><script>x()</"
     "script><figure><img "
     "src=a.jpg><figcaption>cap</figcaption></figure><p>End.</p>",
     40, "<p>Intro text.</p><p>End.</p>", "Intro text. End."},
    {"whitespace normalized",
     "<p>  lots   of\n\n spaces\there  </p>\n\n<p> next </p>", 40,
     "<p>lots of spaces here</p><p>next</p>", "lots of spaces here next"},
    {"empty elements dropped",
     "<p></p><p><b> </b>Text.</p><div><span></span></div>", 40, "<p>Text.</p>",
     "Text."},
    {"links stay safe",
     "<p><a href=\"javascript:alert(1)\" onclick=x>click</a> <a "
     "href=\"https://ok.example/\">ok</a></p>",
     40,
     "<p>click <a href=\"https://ok.example/\" rel=\"nofollow noopener "
     "noreferrer\">ok</a></p>",
     "click ok"},
    {"chinese counted by characters",
     "<p>今天天气很好。我们去公园散步吧，然后一起吃午饭。晚上回家。</p>", 10,
     "<p>今天天气很好。…</p>", "今天天气很好。…"},
    {"japanese hard cut",
     "<p>これは句読点のない非常に長い日本語の文章でありとても長いです</p>", 5,
     "<p>これは句読点のない非…</p>", "これは句読点のない非…"},
    {"mixed scripts", "<p>Syndic 是一个新闻聚合工具。 It works well.</p>", 6,
     "<p>Syndic 是一个新闻聚合工具。…</p>", "Syndic 是一个新闻聚合工具。…"},
    {"list items are blocks",
     "<ul><li>Alpha beta gamma.</li><li>Delta epsilon zeta eta "
     "theta.</li></ul>",
     4, "<ul><li>Alpha beta gamma. …</li></ul>", "Alpha beta gamma. …"},
    {"br is a space", "line one<br>line two<br/>line three", 40,
     "line one line two line three", "line one line two line three"},
    {"rtl kept", "<p dir=\"rtl\">مرحبا بالعالم. هذا نص طويل جدا.</p>", 2,
     "<p dir=\"rtl\">مرحبا بالعالم. …</p>", "مرحبا بالعالم. …"},
    {"zero words", "<p>anything</p>", 0, "", ""},
};

static void
test_excerpt_table(void **state)
{
    struct buf h, t;
    struct syn_err err;
    size_t i;

    (void)state;
    buf_init(&h, 1 << 16);
    buf_init(&t, 1 << 16);
    for (i = 0; i < SYN_ARRAY_LEN(ex_cases); i++) {
        const struct ex_case *c = &ex_cases[i];

        buf_reset(&h);
        buf_reset(&t);
        assert_int_equal(
            html_excerpt(c->in, strlen(c->in), c->words, &h, &t, &err), SYN_OK);
        if (strcmp(buf_cstr(&h), c->want_html) != 0 ||
            strcmp(buf_cstr(&t), c->want_text) != 0) {
            fail_msg("case '%s':\n got: %s | %s\nwant: %s | %s", c->name,
                     buf_cstr(&h), buf_cstr(&t), c->want_html, c->want_text);
        }
    }
    /* either output may be NULL */
    buf_reset(&t);
    assert_int_equal(html_excerpt("<p>a b</p>", 10, 1, NULL, &t, &err), SYN_OK);
    assert_string_equal(buf_cstr(&t), "a\xe2\x80\xa6");
    buf_fini(&h);
    buf_fini(&t);
}

/* The cut never splits a multi-byte character, whatever the budget. */
static void
test_excerpt_utf8_boundaries(void **state)
{
    static const char in[] = "<p>Ünïcödé ñame 日本語のテキスト и кириллица "
                             "ελληνικά 😀 emoji.</p>";
    struct buf h, t;
    struct syn_err err;
    size_t n;

    (void)state;
    buf_init(&h, 1 << 16);
    buf_init(&t, 1 << 16);
    for (n = 1; n < 20; n++) {
        buf_reset(&h);
        buf_reset(&t);
        assert_int_equal(html_excerpt(in, sizeof(in) - 1, n, &h, &t, &err),
                         SYN_OK);
        assert_true(utf8_valid(buf_cstr(&h), h.len));
        assert_true(utf8_valid(buf_cstr(&t), t.len));
    }
    buf_fini(&h);
    buf_fini(&t);
}

static void
test_text(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"<p>Hello <b>wor</b>ld</p><p>Next&nbsp;para</p>",
         "Hello world Next para"},
        {"<script>x()</script><style>p{}</style>Only <i>this</i>.",
         "Only this."},
        {"<ul><li>a</li><li>b</li></ul><table><tr><td>c<td>d</table>",
         "a b c d"},
        {"  \n  ", ""},
        {"中文<br>文本", "中文 文本"},
    };
    struct buf b;
    struct syn_err err;
    size_t i;

    (void)state;
    buf_init(&b, 1 << 16);
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        buf_reset(&b);
        assert_int_equal(html_text(cases[i].in, strlen(cases[i].in), &b, &err),
                         SYN_OK);
        assert_string_equal(buf_cstr(&b), cases[i].want);
    }
    buf_fini(&b);
}

static void
test_lead_image(void **state)
{
    static const struct {
        const char *html, *media, *base, *want;
    } cases[] = {
        {"<img src=\"https://i.example/c.jpg\">", "https://m.example/m.jpg",
         NULL, "https://m.example/m.jpg"},
        {"<img src=\"https://i.example/c.jpg\">", NULL, NULL,
         "https://i.example/c.jpg"},
        {"<img src=\"https://t.example/p.gif\" width=1 height=1>"
         "<img src=\"https://i.example/emoji/1f600.png\">"
         "<img src=\"https://i.example/icon.png\" width=\"32\" height=32>"
         "<img data-src=\"/real.jpg\" src=\"data:image/gif;base64,R0l\">",
         NULL, "https://ex.org/a/", "https://ex.org/real.jpg"},
        {"<p>no images</p>", "javascript:alert(1)", NULL, NULL},
        {"<img src=\"rel.jpg\">", NULL, NULL, NULL},
        {"", "/m.jpg", "https://ex.org/", "https://ex.org/m.jpg"},
        {"<img src=\"http://feeds.feedburner.com/~r/x/~4/y\">", NULL, NULL,
         NULL},
    };
    struct syn_err err;
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        char *got = NULL;

        assert_int_equal(html_lead_image(cases[i].html, strlen(cases[i].html),
                                         cases[i].media, cases[i].base, &got,
                                         &err),
                         SYN_OK);
        if (cases[i].want == NULL) {
            assert_null(got);
        } else {
            assert_string_equal(got, cases[i].want);
        }
        syn_free(got);
    }
}

static enum syn_status
excerpt_story(void *state)
{
    static const char in[] =
        "<h1>T</h1><p>First <a href=\"https://x.example/\">sentence</a> here."
        " Second sentence.</p><p>Another paragraph with more words.</p>"
        "<img src=\"https://i.example/a.jpg\">";
    struct buf h, t;
    struct syn_err err;
    enum syn_status st;
    char *img = NULL;

    (void)state;
    buf_init(&h, 1 << 16);
    buf_init(&t, 1 << 16);
    st = html_excerpt(in, sizeof(in) - 1, 5, &h, &t, &err);
    if (st == SYN_OK) {
        st = html_text(in, sizeof(in) - 1, &t, &err);
    }
    if (st == SYN_OK) {
        st = html_lead_image(in, sizeof(in) - 1, NULL, NULL, &img, &err);
    }
    if (st == SYN_OK) {
        assert_string_equal(img, "https://i.example/a.jpg");
    }
    syn_free(img);
    buf_fini(&h);
    buf_fini(&t);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(excerpt_story, NULL) > 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_excerpt_table),
        cmocka_unit_test(test_excerpt_utf8_boundaries),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_lead_image),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
