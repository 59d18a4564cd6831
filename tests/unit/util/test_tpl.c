/* util/tpl: escaping, sections, partials, standalone lines, errors with
 * file:line, allocation failures. */
#include "testutil.h"

#include <string.h>

#include "util/mem.h"
#include "util/limits.h"
#include "util/tpl.h"

/* The data every render case uses. */
static void
build(struct tpl_tree *t, struct arena *a)
{
    struct tpl_val *list, *m, *tags;

    tpl_tree_init(t, a);
    tpl_set_str(t, t->root, "title", "Tom & \"Jerry\" <b>'x'</b>");
    tpl_set_str(t, t->root, "html", "<p>safe</p>");
    tpl_set_str(t, t->root, "ctl", "a\001b\tc");
    tpl_set_str(t, t->root, "empty", "");
    tpl_set_bool(t, t->root, "yes", true);
    tpl_set_bool(t, t->root, "no", false);
    tpl_set_long(t, t->root, "n", -42);
    tpl_set_list(t, t->root, "none");
    list = tpl_set_list(t, t->root, "items");
    m = tpl_list_add_map(t, list);
    tpl_set_str(t, m, "name", "one");
    m = tpl_list_add_map(t, list);
    tpl_set_str(t, m, "name", "two");
    tpl_set_str(t, m, "title", "inner");
    m = tpl_set_map(t, t->root, "site");
    tpl_set_str(t, m, "url", "https://e.org/");
    m = tpl_set_map(t, m, "owner");
    tpl_set_str(t, m, "name", "Ann");
    tags = tpl_set_list(t, t->root, "tags");
    tpl_list_add_str(t, tags, "a<");
    tpl_list_add_str(t, tags, "b");
    tpl_set_str(t, t->root, "shadow", "old");
    tpl_set_str(t, t->root, "shadow", "new");
}

static const struct {
    const char *src, *want;
} render_cases[] = {
    {"{{title}}", "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;x&#39;&lt;/b&gt;"},
    {"{{{html}}}|{{& html}}", "<p>safe</p>|<p>safe</p>"},
    {"{{ctl}}", "ab\tc"},
    {"[{{missing}}]", "[]"},
    {"{{n}} {{yes}}", "-42 true"},
    {"{{#items}}<{{name}}>{{/items}}", "<one><two>"},
    {"{{#items}}{{title}};{{/items}}",
     "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;x&#39;&lt;/b&gt;;inner;"},
    {"{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}n{{/no}}", "Yn"},
    {"{{^none}}empty{{/none}}{{#none}}x{{/none}}", "empty"},
    {"{{^empty}}E{{/empty}}{{^missing}}M{{/missing}}", "EM"},
    {"{{site.url}} {{site.owner.name}} {{site.nope.name}}",
     "https://e.org/ Ann "},
    {"{{#site}}{{url}}{{#owner}}/{{name}}{{/owner}}{{/site}}",
     "https://e.org//Ann"},
    {"{{#tags}}[{{.}}]{{/tags}}", "[a&lt;][b]"},
    {"{{shadow}}", "new"},
    {"{{! a comment }}x", "x"},
    {"a { b } {c}", "a { b } {c}"},
    {"<ul>\n  {{#items}}\n  <li>{{name}}</li>\n  {{/items}}\n</ul>\n",
     "<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>\n"},
    {"x {{#yes}}y{{/yes}} z\n", "x y z\n"},
    {"{{>part.html}}!",
     "[Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;x&#39;&lt;/b&gt;]!"},
    {"{{#items}}{{>item.html}}{{/items}}", "-one-two"},
};

static void
test_render_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(render_cases); i++) {
        struct tpl_set *set = tpl_set_new();
        struct syn_err err;
        struct arena a;
        struct tpl_tree t;
        struct buf out;

        assert_non_null(set);
        assert_int_equal(tpl_set_add(set, "part.html", "[{{title}}]", 11, &err),
                         SYN_OK);
        assert_int_equal(tpl_set_add(set, "item.html", "-{{name}}", 9, &err),
                         SYN_OK);
        assert_int_equal(tpl_set_add(set, "t.html", render_cases[i].src,
                                     strlen(render_cases[i].src), &err),
                         SYN_OK);
        assert_int_equal(tpl_set_link(set, &err), SYN_OK);
        arena_init(&a, 4096, 0);
        build(&t, &a);
        buf_init(&out, 4096);
        assert_int_equal(tpl_render(set, "t.html", &t, &out, &err), SYN_OK);
        if (strcmp(buf_cstr(&out), render_cases[i].want) != 0) {
            fail_msg("case %zu: got '%s' want '%s'", i, buf_cstr(&out),
                     render_cases[i].want);
        }
        buf_fini(&out);
        arena_fini(&a);
        tpl_set_free(set);
    }
}

/* TPL_ESCAPE_TEXT (plain-text mail): {{x}} is not HTML-escaped, only its
 * controls dropped; partials render in the same mode. */
static const struct {
    const char *src, *want;
} text_cases[] = {
    {"{{title}}", "Tom & \"Jerry\" <b>'x'</b>"},
    {"{{ctl}}|{{{ctl}}}", "ab\tc|a\001b\tc"},
    {"{{#tags}}[{{.}}]{{/tags}}", "[a<][b]"},
    {"{{>part.html}}", "[Tom & \"Jerry\" <b>'x'</b>]"},
    {"{{n}} {{yes}} [{{missing}}]", "-42 true []"},
};

static void
test_render_text(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(text_cases); i++) {
        struct tpl_set *set = tpl_set_new();
        struct syn_err err;
        struct arena a;
        struct tpl_tree t;
        struct buf out;

        assert_non_null(set);
        assert_int_equal(tpl_set_add(set, "part.html", "[{{title}}]", 11, &err),
                         SYN_OK);
        assert_int_equal(tpl_set_add(set, "t.txt", text_cases[i].src,
                                     strlen(text_cases[i].src), &err),
                         SYN_OK);
        assert_int_equal(tpl_set_link(set, &err), SYN_OK);
        arena_init(&a, 4096, 0);
        build(&t, &a);
        buf_init(&out, 4096);
        assert_int_equal(
            tpl_render_as(set, "t.txt", &t, TPL_ESCAPE_TEXT, &out, &err),
            SYN_OK);
        if (strcmp(buf_cstr(&out), text_cases[i].want) != 0) {
            fail_msg("case %zu: got '%s' want '%s'", i, buf_cstr(&out),
                     text_cases[i].want);
        }
        /* the same template in HTML mode still escapes */
        buf_reset(&out);
        assert_int_equal(
            tpl_render_as(set, "t.txt", &t, TPL_ESCAPE_HTML, &out, &err),
            SYN_OK);
        if (i == 0) {
            assert_string_equal(buf_cstr(&out), "Tom &amp; &quot;Jerry&quot; "
                                                "&lt;b&gt;&#39;x&#39;&lt;/b&gt;");
        }
        buf_fini(&out);
        arena_fini(&a);
        tpl_set_free(set);
    }
}

static const struct {
    const char *src;
    enum syn_status want;
    const char *msg_prefix;
} error_cases[] = {
    {"a\nb {{#x}}\nc", SYN_EPARSE, "e.html:2: unclosed section 'x'"},
    {"{{#x}}\n{{/y}}", SYN_EPARSE, "e.html:2: '{{/y}}' closes section 'x'"},
    {"\n\n{{/y}}", SYN_EPARSE, "e.html:3: '{{/y}}' closes nothing"},
    {"ok\n{{name", SYN_EPARSE, "e.html:2: unclosed tag"},
    {"{{{raw}}", SYN_EPARSE, "e.html:1: '{{{' closed by"},
    {"{{a b}}", SYN_EPARSE, "e.html:1: bad name 'a b'"},
    {"{{a..b}}", SYN_EPARSE, "e.html:1: bad name"},
    {"{{}}", SYN_EPARSE, "e.html:1: bad name"},
    {"{{>}}", SYN_EPARSE, "e.html:1: empty partial name"},
    {"x\n{{>nope.html}}", SYN_ENOTFOUND,
     "e.html:2: no template 'nope.html' for partial"},
};

static void
test_errors_name_file_and_line(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(error_cases); i++) {
        struct tpl_set *set = tpl_set_new();
        struct syn_err err;
        enum syn_status st;

        syn_err_clear(&err);
        st = tpl_set_add(set, "e.html", error_cases[i].src,
                         strlen(error_cases[i].src), &err);
        if (st == SYN_OK) {
            st = tpl_set_link(set, &err);
        }
        assert_int_equal(st, error_cases[i].want);
        if (strncmp(err.msg, error_cases[i].msg_prefix,
                    strlen(error_cases[i].msg_prefix)) != 0) {
            fail_msg("case %zu: got '%s'", i, err.msg);
        }
        tpl_set_free(set);
    }
}

static void
test_limits(void **state)
{
    struct tpl_set *set = tpl_set_new();
    struct syn_err err;
    struct buf src, out;
    int i;

    (void)state;
    /* Sections nested past the limit are refused at compile time. */
    buf_init(&src, 1 << 20);
    for (i = 0; i <= SYN_MAX_TPL_DEPTH; i++) {
        assert_int_equal(buf_append_str(&src, "{{#a}}"), SYN_OK);
    }
    assert_int_equal(tpl_set_add(set, "deep.html", src.data, src.len, &err),
                     SYN_ETOOBIG);
    /* Partials that recurse stop at the depth limit, not the stack. */
    assert_int_equal(tpl_set_add(set, "loop.html", "x{{>loop.html}}", 15, &err),
                     SYN_OK);
    assert_int_equal(tpl_set_add(set, "loop.html", "x", 1, &err), SYN_EEXIST);
    assert_int_equal(tpl_set_link(set, &err), SYN_OK);
    buf_init(&out, 1 << 20);
    assert_int_equal(tpl_render(set, "loop.html", NULL, &out, &err),
                     SYN_ETOOBIG);
    assert_int_equal(tpl_render(set, "none.html", NULL, &out, &err),
                     SYN_ENOTFOUND);
    /* Output bounded by the buf's max. */
    buf_reset(&out);
    out.max = 4;
    assert_int_equal(tpl_set_add(set, "long.html", "abcdefgh", 8, &err),
                     SYN_OK);
    assert_int_equal(tpl_render(set, "long.html", NULL, &out, &err),
                     SYN_ETOOBIG);
    buf_fini(&out);
    buf_fini(&src);
    tpl_set_free(set);
}

static enum syn_status
compile_and_render(void *state)
{
    struct tpl_set *set = tpl_set_new();
    struct syn_err err;
    struct arena a;
    struct tpl_tree t;
    struct buf out;
    enum syn_status st;

    (void)state;
    if (set == NULL)
        return SYN_ENOMEM;
    arena_init(&a, 256, 0);
    buf_init(&out, 4096);
    st = tpl_set_add(set, "p.html", "<{{name}}>", 10, &err);
    if (st == SYN_OK) {
        st = tpl_set_add(set, "t.html",
                         "{{title}}{{#items}}{{>p.html}}{{/items}}{{site.url}}",
                         51, &err);
    }
    if (st == SYN_OK) {
        st = tpl_set_link(set, &err);
    }
    if (st == SYN_OK) {
        build(&t, &a);
        st = tpl_render(set, "t.html", &t, &out, &err);
    }
    if (st == SYN_OK) {
        assert_string_equal(buf_cstr(&out),
                            "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;x&#39;"
                            "&lt;/b&gt;<one><two>https://e.org/");
    }
    buf_fini(&out);
    arena_fini(&a);
    tpl_set_free(set);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(compile_and_render, NULL) > 5);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_table),
        cmocka_unit_test(test_render_text),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
