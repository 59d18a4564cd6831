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
clean_one(const char *in, size_t words_html, size_t words_text,
          struct outs *o)
{
    struct html_clean_opts opts = {BASE, words_html, words_text};
    struct html_clean_out out = {&o->safe, &o->ex_html, &o->ex_text,
                                 &o->text, &o->image};
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
                html_sanitize(in, strlen(in), BASE, &want.safe, &err),
                SYN_OK);
            assert_int_equal(html_excerpt(want.safe.data ? want.safe.data
                                                         : "",
                                          want.safe.len, words[w][0],
                                          &want.ex_html, NULL, &err),
                             SYN_OK);
            assert_int_equal(html_excerpt(want.safe.data ? want.safe.data
                                                         : "",
                                          want.safe.len, words[w][1], NULL,
                                          &want.ex_text, &err),
                             SYN_OK);
            assert_int_equal(html_text(in, strlen(in), &want.text, &err),
                             SYN_OK);
            assert_int_equal(html_lead_image(in, strlen(in), NULL, BASE,
                                             &want.image, &err),
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
    for (i = 0; st == SYN_OK && i < sizeof(inputs) / sizeof(inputs[0]);
         i++) {
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
