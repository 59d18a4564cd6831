/* html/clean: one parse gives what the separate functions give. */
#include "testutil.h"

#include <string.h>

#include "html/clean.h"
#include "html/excerpt.h"
#include "html/image.h"
#include "html/sanitize.h"
#include "html/text.h"
#include "util/mem.h"

static const char *const inputs[] = {
    "<p>Plain paragraph. Second sentence.</p>",
    "plain text without markup & an ampersand",
    "<h1>Title</h1><p onclick=\"x()\">Hello <b>world</b>.<script>alert(1)"
    "</script></p><img src=\"/a.jpg\" width=\"600\"><p>More text here, a lot "
    "more text, enough to be cut by a short excerpt of a few words.</p>",
    "<p>\xe5\x8c\x97\xe4\xba\xac\xe5\xb8\x82\xe4\xbb\x8a\xe5\xa4\xa9\xe5\x8f"
    "\x91\xe5\xb8\x83\xe4\xba\x86\xe6\x96\xb0\xe7\x9a\x84\xe8\xae\xa1\xe5\x88"
    "\x92\xe3\x80\x82</p><p>\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7</p>",
    "<ul><li>one<li>two</ul><table><tr><td>cell</table>"
    "<img src=\"https://t.example.net/pixel.gif\" width=\"1\" height=\"1\">"
    "<img data-src=\"https://cdn.example.org/lazy.jpg\">",
    "<a href=\"javascript:alert(1)\">x</a><a href=\"rel/link\">rel</a>",
    /* the sanitizing walk counts for the excerpt: media it writes but an
     * excerpt drops (figure, table, video, hr), line breaks, ads, blocks
     * inside media, a cut right after them */
    "<figure><img src=\"/a.jpg\"><figcaption>Caption words that an "
    "excerpt leaves out.</figcaption></figure><p>First line<br>second "
    "line<br><br>third line. And more words.</p><hr><div>After the rule "
    "comes a block.</div>",
    "<p>Lead in</p><table><tr><td><p>Cell text is not counted.</p></td></tr>"
    "</table><video src=\"/v.mp4\">Fallback <b>text</b></video><p>Tail "
    "words one two three four five six seven eight nine ten.</p>",
    "<p>An <a href=\"https://feeds.feedburner.com/~a/x\">ad link text</a> "
    "then text. <em>Emphasis<br>broken</em> and a last sentence here.</p>"
    "<blockquote><figure><p>Nested media block.</p></figure>Quoted words "
    "follow the figure.</blockquote>",
    /* 45 words in media: counting them would cut the 40-word excerpt */
    "<figure><figcaption>w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 "
    "w15 w16 w17 w18 w19 w20 w21 w22 w23 w24 w25 w26 w27 w28 w29 w30 w31 "
    "w32 w33 w34 w35 w36 w37 w38 w39 w40 w41 w42 w43 w44 w45.</figcaption>"
    "</figure><p>Short story.</p><p>Second paragraph.</p>",
    "<p>One.</p><p>Two.</p><p>Three.</p><p>Four.</p><p>Five.</p>"
    "<ul><li>six</li><li>seven <i>eight</i></li></ul>"
    "<p>\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xa7\xe3\x81"
    "\x99\xe3\x80\x82 nine ten.</p>",
    "",
};

#define BASE "https://example.org/news/"

struct outs {
    struct buf safe, ex_html, ex_text, text;
    char *image;
};

static void
outs_init(struct outs *o)
{
    buf_init(&o->safe, 1u << 20);
    buf_init(&o->ex_html, 1u << 20);
    buf_init(&o->ex_text, 1u << 20);
    buf_init(&o->text, 1u << 20);
    o->image = NULL;
}

static void
outs_fini(struct outs *o)
{
    buf_fini(&o->safe);
    buf_fini(&o->ex_html);
    buf_fini(&o->ex_text);
    buf_fini(&o->text);
    syn_free(o->image);
}

static enum syn_status
clean_one(const char *in, size_t words_html, size_t words_text, struct outs *o)
{
    struct html_clean_opts opts = {BASE, words_html, words_text, false};
    struct html_clean_out out = {&o->safe, &o->ex_html, &o->ex_text, &o->text,
                                 &o->image};
    struct syn_err err;

    return html_clean(in, strlen(in), &opts, &out, &err);
}

static void
test_same_as_separate(void **state)
{
    static const size_t words[][2] = {{40, 40}, {150, 5}, {3, 3}};
    size_t i, w;

    (void)state;
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
            struct outs got, want;
            struct syn_err err;
            const char *in = inputs[i];

            outs_init(&got);
            outs_init(&want);
            assert_int_equal(clean_one(in, words[w][0], words[w][1], &got),
                             SYN_OK);
            assert_int_equal(
                html_sanitize(in, strlen(in), BASE, &want.safe, &err), SYN_OK);
            assert_int_equal(html_excerpt(want.safe.data ? want.safe.data : "",
                                          want.safe.len, words[w][0],
                                          &want.ex_html, NULL, &err),
                             SYN_OK);
            assert_int_equal(html_excerpt(want.safe.data ? want.safe.data : "",
                                          want.safe.len, words[w][1], NULL,
                                          &want.ex_text, &err),
                             SYN_OK);
            assert_int_equal(html_text(in, strlen(in), &want.text, &err),
                             SYN_OK);
            assert_int_equal(
                html_lead_image(in, strlen(in), NULL, BASE, &want.image, &err),
                SYN_OK);
            assert_string_equal(buf_cstr(&got.safe), buf_cstr(&want.safe));
            assert_string_equal(buf_cstr(&got.ex_html),
                                buf_cstr(&want.ex_html));
            assert_string_equal(buf_cstr(&got.ex_text),
                                buf_cstr(&want.ex_text));
            assert_string_equal(buf_cstr(&got.text), buf_cstr(&want.text));
            if (want.image == NULL) {
                assert_null(got.image);
            } else {
                assert_string_equal(got.image, want.image);
            }
            outs_fini(&got);
            outs_fini(&want);
        }
    }
}

static enum syn_status
clean_all(void *state)
{
    enum syn_status st = SYN_OK;
    size_t i;

    (void)state;
    for (i = 0; st == SYN_OK && i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct outs o;

        outs_init(&o);
        st = clean_one(inputs[i], 10, 5, &o);
        if (st != SYN_OK) {
            /* Nothing half-written on failure. */
            assert_int_equal(o.safe.len, 0);
            assert_int_equal(o.ex_html.len, 0);
            assert_null(o.image);
        }
        outs_fini(&o);
    }
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(clean_all, NULL) > 5);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_separate),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
