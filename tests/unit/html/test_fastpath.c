/* html/fastparse: the fast path gives byte-identical output to gumbo.
 *
 * Differential: every input runs through html_clean() and html_sanitize()
 * twice, once as production does (fast parser first, gumbo when it
 * refuses) and once forced through gumbo (html/paths.h); whenever the fast
 * parser accepted, every output must be the same bytes. The inputs are a
 * table of hand-written cases (each also says whether the fast path must
 * accept it, so that it neither refuses the common cases nor accepts the
 * hard ones), the project's HTML fixtures, and, when ../shared/corpus is
 * there, every HTML field of the real feeds and every XSS vector. */
#include "testutil.h"

#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "feed/parse.h"
#include "html/clean.h"
#include "html/paths.h"
#include "html/sanitize.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/utf8.h"

#define BASE "https://example.org/news/"

struct outs {
    struct buf safe, ex_html, ex_text, text, san, san_nobase;
    char *image;
};

static void
outs_init(struct outs *o)
{
    buf_init(&o->safe, 1u << 22);
    buf_init(&o->ex_html, 1u << 22);
    buf_init(&o->ex_text, 1u << 22);
    buf_init(&o->text, 1u << 22);
    buf_init(&o->san, 1u << 22);
    buf_init(&o->san_nobase, 1u << 22);
    o->image = NULL;
}

static void
outs_fini(struct outs *o)
{
    buf_fini(&o->safe);
    buf_fini(&o->ex_html);
    buf_fini(&o->ex_text);
    buf_fini(&o->text);
    buf_fini(&o->san);
    buf_fini(&o->san_nobase);
    syn_free(o->image);
}

/* Everything html_clean and html_sanitize give for in, parsed by parser;
 * *fast says whether the fast parser built every tree. */
static enum syn_status
run_all(const char *in, size_t len, enum html_parser parser, struct outs *o,
        bool *fast)
{
    /* production passes valid_utf8 for feed model strings: the fast
     * path takes it whenever it holds */
    struct html_clean_opts opts = {BASE, 12, 40,
                                   parser == HTML_PARSER_AUTO &&
                                       utf8_valid(in, len)};
    struct html_clean_out out = {&o->safe, &o->ex_html, &o->ex_text, &o->text,
                                 &o->image};
    struct syn_err err;
    bool f1 = false, f2 = false, f3 = false;
    enum syn_status st;

    st = html_clean_with(in, len, &opts, &out, parser, &f1, &err);
    if (st == SYN_OK) {
        st = html_sanitize_with(in, len, BASE, &o->san, parser, &f2, &err);
    }
    if (st == SYN_OK) {
        st = html_sanitize_with(in, len, NULL, &o->san_nobase, parser, &f3,
                                &err);
    }
    /* html_sanitize takes plain text without a parse: f2, f3 may be false */
    *fast = f1;
    if (st == SYN_OK && f1 && (f2 != f3)) {
        fail_msg("sanitize paths disagree for %.80s", in);
    }
    return st;
}

static void
assert_same_buf(const struct buf *a, const struct buf *b, const char *what,
                const char *in)
{
    if (a->len == b->len &&
        (a->len == 0 || memcmp(a->data, b->data, a->len) == 0))
        return;
    print_error("fast path differs in %s for input:\n%s\nfast:  %.*s\ngumbo: "
                "%.*s\n",
                what, in, (int)a->len, a->data != NULL ? a->data : "",
                (int)b->len, b->data != NULL ? b->data : "");
    fail();
}

/* Whether the fast parser takes in, told or not that it is valid UTF-8. */
static bool
fast_takes(const char *in, size_t len, bool valid_utf8)
{
    struct html_doc *doc = NULL;
    struct syn_err err;
    bool used = false;

    assert_int_equal(html_doc_parse_with(in, len, valid_utf8, HTML_PARSER_AUTO,
                                         &doc, &used, &err),
                     SYN_OK);
    html_doc_free(doc);
    return used;
}

/* Both paths on in; returns whether the fast parser accepted it. */
static bool
diff_one(const char *in, size_t len)
{
    struct outs fast, slow;
    bool used = false, slow_used = true;
    enum syn_status st_fast, st_slow;

    outs_init(&fast);
    outs_init(&slow);
    st_fast = run_all(in, len, HTML_PARSER_AUTO, &fast, &used);
    st_slow = run_all(in, len, HTML_PARSER_GUMBO, &slow, &slow_used);
    assert_false(slow_used);
    assert_int_equal(st_fast, st_slow);
    if (len <= SYN_MAX_HTML_BYTES && utf8_valid(in, len) &&
        fast_takes(in, len, true) != fast_takes(in, len, false)) {
        fail_msg("the valid_utf8 input check decides otherwise for %.80s", in);
    }
    if (used && st_fast == SYN_OK) {
        assert_same_buf(&fast.safe, &slow.safe, "safe_html", in);
        assert_same_buf(&fast.ex_html, &slow.ex_html, "excerpt_html", in);
        assert_same_buf(&fast.ex_text, &slow.ex_text, "excerpt_text", in);
        assert_same_buf(&fast.text, &slow.text, "text", in);
        assert_same_buf(&fast.san, &slow.san, "sanitize", in);
        assert_same_buf(&fast.san_nobase, &slow.san_nobase, "sanitize/nobase",
                        in);
        if ((fast.image == NULL) != (slow.image == NULL) ||
            (fast.image != NULL && strcmp(fast.image, slow.image) != 0)) {
            fail_msg("lead image differs for %s", in);
        }
    }
    outs_fini(&fast);
    outs_fini(&slow);
    return used;
}

static const struct {
    const char *in;
    bool fast; /* the fast path must take it */
} cases[] = {
    /* accepted */
    {"<p>Hello <b>world</b> &amp; friends.</p>", true},
    {"plain text, no markup at all", true},
    {"", true},
    {"<p>One<p>Two<div>Three</div>", true},
    {"<ul><li>one<li>two<li>three</li></ul>", true},
    {"<dl><dt>term<dd>def<dt>t2<dd>d2</dd></dl>", true},
    {"<p>Unclosed <em>at the end", true},
    {"<img src=\"/a.jpg\" alt='x'><br/><hr><p>after</p>", true},
    {"<a href=\"https://e.org/?a=1&b=2&amp;c=3\">link</a>", true},
    {"<A HREF=https://e.org/x TITLE=t>Mixed case</A>", true},
    {"<p>a<!-- comment -->b<!---->c</p>", true},
    {"<pre>\nkept first line\n</pre><pre>no newline</pre>", true},
    {"<p>&lt;tag&gt; &quot;q&quot; &apos;a&apos; &nbsp;&hellip;&mdash;</p>",
     true},
    {"<p>&#233;&#xE9;&#X1F600; &#8217; &#32;</p>", true},
    {"<p>AT&T & Tom &hellip &x</p>", true},
    {"<h1>Title</h1><h2>Sub</h2><p>Body</p>", true},
    {"<figure><img src=a.png><figcaption>Cap</figcaption></figure>", true},
    {"<blockquote><p>q</p></blockquote>", true},
    {"<video src=v.mp4><source src=a.webm></video>", true},
    {"<custom-el data-x=1>custom</custom-el><o:p></o:p>", true},
    {"<span\tclass=\"c\"\n>ws in tags</span >", true},
    {"<b><b><b>three</b></b></b>", true},
    {"<img src=\"https://t.example.net/pixel.gif\" width=1 height=1>"
     "<img data-src=\"https://cdn.example.org/lazy.jpg\">",
     true},
    {"\xe5\x8c\x97\xe4\xba\xac <p dir=rtl>\xd9\x85\xd8\xb1\xd8\xad</p>", true},
    {"<div><p>in div</div>", true},
    {"<table><tr><td>cell</td></tr></table>", true},
    {"<script>alert(1)</script>", true},
    {"<style>p{}</style>", true},
    {"<li>a<span>b<li>c", true},
    {"<iframe src=\"https://www.youtube.com/embed/x\"></iframe>", true},
    {"<body><p>x</p></body>", true},
    {"<p>x<table><tr><td>y</td></tr></table>", true},
    {"x</img>y</span></custom></html></body>z", true},
    {"<ul><li><p>a</ul><div><p>b</div><ol><li>c<li><p>d</ol>", true},
    {"<table> <caption>c</caption><colgroup><col span=2></colgroup>"
     "<thead><tr><th>h</th></tr></thead>\n<tbody><tr><td>d</td></tr>"
     "</tbody></table>",
     true},
    {"<table><tr><td><p>x</td></tr> </table>", true},
    {"<p>a<script>if (a < b && c) {}</script>b<style>p{}</style>", true},
    {"<html><head><meta charset=utf-8></head><body><p>doc</body></html>", true},
    {"<p>a<div>b</div></p>", true},
    {"<a href=\"?x=1&copy=2\">c</a>", true},
    {"</p>stray end", true},
    {"<br></br>", true},
    {"<table><tr><td>x</table>", true},
    {"<table><td>x</td></table>", true},
    {"<table><tbody><tr><td>x</td></tr></table>", true},
    /* every named reference of the fast path's table (binary search) */
    {"<p>"
     "&Aacute;&Agrave;&Auml;&Ccedil;&Dagger;&Eacute;&Egrave;&Ntilde;&OEl"
     "ig;&Ouml;&Prime;&Scaron;&Uuml;&aacute;&acirc;&acute;&aelig;&agrave"
     ";&amp;&apos;&aring;&atilde;&auml;&bdquo;&brvbar;&bull;&ccedil;&ced"
     "il;&cent;&copy;&curren;&dagger;&darr;&deg;&divide;&eacute;&ecirc;&"
     "egrave;&emsp;&ensp;&euml;&euro;&frac12;&frac14;&frac34;&ge;&gt;&ha"
     "irsp;&harr;&hellip;&iacute;&icirc;&iexcl;&igrave;&infin;&iquest;&i"
     "uml;&laquo;&larr;&ldquo;&le;&lsaquo;&lsquo;&lt;&macr;&mdash;&micro"
     ";&middot;&minus;&nbsp;&ndash;&ne;&not;&ntilde;&oacute;&ocirc;&oeli"
     "g;&ograve;&ordf;&ordm;&oslash;&otilde;&ouml;&para;&permil;&plusmn;"
     "&pound;&prime;&quot;&raquo;&rarr;&rdquo;&reg;&rsaquo;&rsquo;&sbquo"
     ";&scaron;&sect;&shy;&sup1;&sup2;&sup3;&szlig;&thinsp;&times;&trade"
     ";&uacute;&uarr;&ucirc;&ugrave;&uml;&uuml;&yacute;&yen;&yuml;&zwj;&"
     "zwnj;",
     true},
    /* refused: gumbo restructures, or the rule is not implemented */
    {"<b><i>misnested</b></i>", false},
    {"<a href=x>one<a href=y>two</a></a>", false},
    {"<h1>a<h2>b</h2></h1>", false},
    {"<textarea>x</textarea>", false},
    {"<math><mi>x</mi></math>", false},
    {"a < b", false},
    {"<!-->x", false},
    {"<!--->x", false},
    {"<!-- a --!> b", false},
    {"<!-- a -- b -->", false},
    {"<!DOCTYPE html><p>x</p>", false},
    {"<p>&copy 2020</p>", false},
    {"<p>&notit;</p>", false},
    {"<p>&hearts;</p>", false},
    {"<p>&#0;&#x80;</p>", false},
    {"<p>&#xD800;</p>", false},
    {"<p>&#128512</p>", false},
    {"nul\0byte", false},
    {"bad \xff utf-8", false},
    {"<div/>text", false},
    {"<p class=a class=b>dup</p>", false},
    {"<p a=\"x\"b=\"y\">no space</p>", false},
    {"<p a=x\"y>quote in unquoted</p>", false},
    {"<form><input name=q></form>", false},
    {"<b><b><b><b>four</b></b></b></b>", false},
    {"<pre>&#10;x</pre>", false},
    {"<p>x<main>y</main>", false},
    {"<foo><bar>x</foo></bar>", false},
    {"<table>text</table>", false},
    {"<table><tr><td>x</td></tr>", false},
    {"<script><!--x--></script>", false},
    {"<script>a</script x>", false},
    {"<iframe>unclosed", false},
    {"<table><tr><table>", false},
    {"<a href=\"?x=1&copy;=2&not\">c</a>", false},
    {"<h2><span><h3>x</h2>", false},
    {"<table><tr><td>a<caption>", false},
    {"<ruby>a<rt>b</ruby>", false},
    {"<table><colgroup><col></col></colgroup><tr><th>h<th>i<tr><td>a"
     "<td><b>b</table>",
     true},
    {"<ruby>a<rt>b</rt><rp>(</rp></ruby></nope></b>", true},
    {"<div><span>a<ul><li>b</div>", true},
    /* CR LF and a lone CR are read as LF, everywhere */
    {"line\r\nbreak", true},
    {"a\rb\r\r\nc\r", true},
    {"<pre>\r\nx\r\n</pre>", true},
    {"<pre>\r\r\nx</pre>", true},
    {"<p\r\ntitle=\"a\r\nb\rc\"\r>x</p\r>", true},
    {"<p title=a\rb>x</p>", true},
    {"<script>a\r\nb\r</script>x", true},
    {"<!-- a\r\nb -->x\r", true},
    {"<table>\r\n<tr><td>a</td></tr>\r\n</table>", true},
    /* end tags of elements not open at all are ignored */
    {"<ul><li>a</ul></li>", true},
    {"</div>text</section>more", true},
    {"<p>a</div>b</p>", true},
    {"<b>x</li></dd></dt>y</b>", true},
    {"a</h2>b", true},
    {"<h3>a</h2>b</h3>", false},
    {"<p>x</td></th></caption>y", true},
    {"<table><tr><td>a</div>b</td></tr></table>", true},
    {"<table></div><tr><td>a</td></tr></table>", false},
    {"<pre>\n</div>\nx</pre>", true},
    /* svg: skipped by the nesting of its elements, dropped by the walks */
    {"<svg><circle/></svg>", true},
    {"<p>a<svg viewBox=\"0 0 9 9\"><path d=\"M0 0\"/><g><text>t &amp; "
     "u</text></g><a href=\"/x\">l</a><!-- c --></svg>b</p>",
     true},
    {"<svg/>after", true},
    {"<b>x<svg><linearGradient id=g><stop/></lineargradient></svg>y</b>",
     true},
    {"<svg><g>unclosed", true},
    {"<div><svg><rect></svg></div>", false},
    {"<svg><title>t</title></svg>", false},
    {"<svg><foreignObject><p>x</p></foreignObject></svg>", false},
    {"<svg><p>out</p></svg>", false},
    {"<svg><font color=red>x</font></svg>", false},
    {"<svg><style>a{}</style></svg>", false},
    {"<svg><![CDATA[x]]></svg>", false},
    {"<svg><svg></svg></svg>", false},
    {"<svg><g></G ></svg>", true},
    {"<b><svg></b></svg>", false},
    {"<table><svg></svg></table>", false},
    /* formatting elements popped with a block, reopened before text */
    {"<p><b>bold<p>next</b>", true},
    {"<li><b>x<li>y", true},
    {"<p><a>x<h2>y</h2></a>", true},
    {"<p><b>x</p>", true},
    {"<p>t\n<a class=anchor href=\"#h\"><h2 id=h>Head</h2></a>\n<p>more",
     true},
    {"<p><b>x<div> </div>", true},
    {"<p><i>a<b>b<div>c</div>d</b>e</i>", true},
    {"<p><b>x<h2>y</b>z</h2>", true},
    {"<p><b>x<ul><li>a<li>b</ul>c", true},
    {"<p><b>x<div></b>y</div>", true},
    {"<p><b>x<div><!-- c --></div>y", true},
    {"<p><b>x<p>y</b>z", true},
    {"<p><b class=c>x<div><span>y</span><em>z</em></div>", true},
    {"<p><b>x<pre>\ny</pre>", true},
    {"<p><b>x<table><tr><td>a</td></tr></table>", false},
    {"<p><a>x<div><a>y</a></div>", false},
    {"<p><b>x<div><img src=a></div>", false},
    {"<p><b>x<div></br></div>", false},
    {"<b>x<p>y<div>z</b>", false},
    {"<p><b>x<div><i>y<p>z</div>", true},
};

static void
test_cases(void **state)
{
    size_t i, wrong = 0;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        size_t len = strlen(cases[i].in);
        bool used;

        if (strcmp(cases[i].in, "nul") == 0) {
            len = 8; /* "nul\0byte" */
        }
        used = diff_one(cases[i].in, len);
        if (used != cases[i].fast) {
            print_error("case %zu: fast path %s: %s\n", i,
                        used ? "accepted" : "refused", cases[i].in);
            wrong++;
        }
    }
    assert_int_equal(wrong, 0);
}

/* Generated documents: random trees of the elements the fast path
 * handles, from a fixed seed, with end tags sometimes left out or stray
 * ones and odd pieces mixed in, so that combinations no hand-written case
 * thought of are compared too. */
static const char *const gen_tags[] = {
    "p",   "div",   "span",  "b",          "i",       "a",         "ul",
    "ol",  "li",    "dl",    "dt",         "dd",      "h2",        "h3",
    "pre", "em",    "code",  "blockquote", "figure",  "table",     "td",
    "tr",  "tbody", "th",    "caption",    "section", "custom-el", "font",
    "u",   "ruby",  "rt",    "center",     "listing", "main",      "small",
    "q",   "video", "thead", "colgroup",   "article", "s",
};
static const char *const gen_leaves[] = {
    "text",
    " ",
    "\n",
    "Words, a sentence. ",
    "&amp;",
    "&lt;b&gt;",
    "&nbsp;",
    "&#8217;",
    "&copy",
    "&hellip;",
    "<br>",
    "</br>",
    "<hr>",
    "<img src=\"/i.png\" alt=\"i\">",
    "<!-- c -->",
    "</img>",
    "<col>",
    "</col>",
    "<script>x()</script>",
    "<style>p{}</style>",
    "<iframe src=\"//www.youtube.com/embed/v\"></iframe>",
    "</p>",
    "<source src=a.webm>",
    "<html>",
    "</body>",
    "\xe5\x8c\x97\xe4\xba\xac",
    "Gr\xc3\xbc\xc3\x9f\x65 \xc2\xa0\xe2\x80\xa6 \xf0\x9f\x98\x80 \xef\xb7\xb0",
    "\xc2\x85",         /* C1 control: refused */
    "\xef\xbf\xbe",     /* noncharacter: refused */
    "\xf3\xbf\xbf\xbf", /* noncharacter U+FFFFF: refused */
    "<a href=\"https://e.org/?a=1&b=2&copy=3\">l</a>",
    "</span>",
    "</li>",
    "</td>",
    "</tr>",
    "</table>",
    "</b>",
    "a\r\nb\rc",
    "\r",
    "</div>",
    "</h3>",
    "</dd>",
    "<svg width=9><path d=\"M0 0\"/><g><text>t</text></g></svg>",
    "<svg><g>",
    "</svg>",
    "<p><b>x<h2>y</h2></b>",
    "<p><a href=\"/a\">x<div>y</div>z</a>",
};

static const char *const gen_attrs[] = {
    "",
    "",
    " class=\"c\"",
    " href=\"/x?a=1&amp;b=2&c\"",
    " href=https://e.org/p",
    " HREF='mailto:a@b.c'",
    " href=\"javascript:alert(1)\"",
    " title='t &copy; x &not=1'",
    " src=/i.png alt=\"\"",
    " data-src=\"https://cdn.e.org/x.jpg\" width=1 height=1",
    " srcset=\"a.png 1x, b.png 2x\"",
    " style=\"color:red\" onclick=\"x()\"",
    " id=a1 lang=fr dir=rtl",
    " title=\"a&notin=b&ampx\"",
    " colspan=2 scope=col",
    " cite=\"//e.org/q\" datetime=2020-01-01",
    " title=\"a\r\nb\rc\"\r\n",
};

static uint64_t
rnd(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void
gen_node(struct buf *b, uint64_t *x, unsigned depth)
{
    size_t k, n;

    if (depth > 6 || rnd(x) % 3 == 0) {
        assert_int_equal(
            buf_append_str(b, gen_leaves[rnd(x) % SYN_ARRAY_LEN(gen_leaves)]),
            SYN_OK);
        return;
    }
    k = rnd(x) % SYN_ARRAY_LEN(gen_tags);
    assert_int_equal(buf_printf(b, "<%s%s>", gen_tags[k],
                                gen_attrs[rnd(x) % SYN_ARRAY_LEN(gen_attrs)]),
                     SYN_OK);
    for (n = rnd(x) % 4; n > 0; n--) {
        gen_node(b, x, depth + 1);
    }
    if (rnd(x) % 8 != 0) /* now and then left open */
        assert_int_equal(buf_printf(b, "</%s>", gen_tags[k]), SYN_OK);
}

static void
test_generated(void **state)
{
    uint64_t x = 0x9E3779B97F4A7C15u;
    struct buf in;
    size_t round, n, n_fast = 0;

    (void)state;
    buf_init(&in, 1u << 20);
    for (round = 0; round < 5000; round++) {
        buf_reset(&in);
        for (n = 1 + rnd(&x) % 4; n > 0; n--) {
            gen_node(&in, &x, 0);
        }
        n_fast += diff_one(in.data, in.len);
    }
    printf("# generated: %zu of 5000 taken by the fast path\n", n_fast);
    buf_fini(&in);
}

/* The input check told that the input is valid UTF-8 (which takes words
 * of 8 bytes at a time and decodes only some sequences) decides as the
 * full check does: random valid strings of text, controls, DEL, C1
 * controls, noncharacters and other characters around them, at every
 * position relative to its words. */
static void
test_valid_utf8_check(void **state)
{
    static const char *const pool[] = {
        "a",        "b c",      "<p>",      "</p>",     "\n",       "\t",
        "\f",       "\r",       "\x01",     "\x7f",     "\xc2\x85",  "\xc2\xa0",
        "\xc3\xa9",  "\xdf\xbf",  "\xe2\x80\xa6", "\xef\xb7\x90", "\xef\xb7\xaf",
        "\xef\xb7\xb0", "\xef\xbf\xbd", "\xef\xbf\xbe", "\xef\xbb\xbf",
        "\xf0\x9f\x98\x80", "\xf0\x9f\xbf\xbe", "\xf3\xbf\xbf\xbf",
        "\xf4\x8f\xbf\xbd", "abcdefgh", "&amp;",
    };
    uint64_t x = 0x2545F4914F6CDD1Du;
    struct buf in;
    size_t round, n, taken = 0;

    (void)state;
    buf_init(&in, 1u << 16);
    for (round = 0; round < 20000; round++) {
        bool fast;

        buf_reset(&in);
        for (n = rnd(&x) % 24; n > 0; n--) {
            assert_int_equal(
                buf_append_str(&in, pool[rnd(&x) % SYN_ARRAY_LEN(pool)]),
                SYN_OK);
        }
        assert_true(utf8_valid(buf_cstr(&in), in.len));
        fast = fast_takes(buf_cstr(&in), in.len, false);
        if (fast_takes(buf_cstr(&in), in.len, true) != fast) {
            fail_msg("the valid_utf8 check decides otherwise for %s",
                     buf_cstr(&in));
        }
        taken += fast;
    }
    assert_true(taken > 0 && taken < 20000);
    buf_fini(&in);
}

static void
test_fixtures(void **state)
{
    static const char *const files[] = {
        "html/wordpress-post.html",
        "html/rtl-cjk.html",
        "html/discover-wordpress.html",
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(files); i++) {
        size_t len;
        char *html = test_read_file(test_data_path(files[i]), &len);

        assert_non_null(html);
        (void)diff_one(html, len);
        syn_free(html);
    }
}

struct tally {
    size_t n, n_fast, bytes, bytes_fast;
};

static void
tally_one(struct tally *t, const char *html)
{
    size_t len;

    if (html == NULL || html[0] == '\0')
        return;
    len = strlen(html);
    t->n++;
    t->bytes += len;
    if (diff_one(html, len)) {
        t->n_fast++;
        t->bytes_fast += len;
    }
}

static void
tally_feed(struct tally *t, const char *path)
{
    struct feed *f = NULL;
    struct syn_err err;
    const struct feed_item *it;
    struct stat sb;
    size_t len;
    char *buf;

    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return; /* other/ holds folders of HTML pages */
    buf = test_read_file(path, &len);
    if (buf == NULL)
        return;
    if (feed_parse(buf, len, NULL, &f, &err) == SYN_OK) {
        for (it = f->items; it != NULL; it = it->next) {
            tally_one(t, it->summary_html);
            tally_one(t, it->content_html);
        }
    }
    feed_free(f);
    syn_free(buf);
}

static void
test_corpus(void **state)
{
    static const char *const subs[] = {"rss2", "atom", "rdf",
                                       "rss0", "json", "other"};
    const char *root = getenv("SYNDIC_CORPUS");
    struct tally t = {0, 0, 0, 0};
    char path[4096];
    size_t i;
    json_t *vectors;
    json_error_t jerr;

    (void)state;
    snprintf(path, sizeof(path), "%s/feeds/real",
             root != NULL ? root : "(unset)");
    {
        DIR *d = root != NULL ? opendir(path) : NULL;

        if (d == NULL) {
            printf("# corpus %s absent: skipped\n", path);
            skip();
        }
        closedir(d);
    }
    for (i = 0; i < SYN_ARRAY_LEN(subs); i++) {
        DIR *d;
        struct dirent *e;

        snprintf(path, sizeof(path), "%s/feeds/real/%s", root, subs[i]);
        d = opendir(path);
        if (d == NULL)
            continue;
        while ((e = readdir(d)) != NULL) {
            char file[8192];

            if (e->d_name[0] == '.')
                continue;
            snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
            tally_feed(&t, file);
        }
        closedir(d);
    }
    printf("# fast path on the real feeds' HTML: %zu of %zu fields, %zu of "
           "%zu bytes (%.1f%%)\n",
           t.n_fast, t.n, t.bytes_fast, t.bytes,
           t.bytes != 0 ? 100.0 * (double)t.bytes_fast / (double)t.bytes : 0.0);
    snprintf(path, sizeof(path), "%s/xss/public-vectors.json", root);
    vectors = json_load_file(path, 0, &jerr);
    if (vectors != NULL) {
        struct tally x = {0, 0, 0, 0};
        size_t k;
        json_t *v;

        json_array_foreach(vectors, k, v)
        {
            tally_one(&x, json_string_value(json_object_get(v, "html")));
        }
        printf("# fast path on the XSS vectors: %zu of %zu accepted\n",
               x.n_fast, x.n);
        json_decref(vectors);
    } else {
        printf("# %s absent: XSS vectors skipped\n", path);
    }
}

static enum syn_status
clean_once(void *state)
{
    static const char in[] =
        "<p>Hello <a href=\"/x?a=1&amp;b\">world</a>&hellip;</p><ul><li>a"
        "<li>b</ul><img src=\"https://cdn.example.org/i.jpg\" alt=\"i\">";
    struct outs o;
    bool fast = false;
    enum syn_status st;

    (void)state;
    outs_init(&o);
    st = run_all(in, sizeof(in) - 1, HTML_PARSER_AUTO, &o, &fast);
    outs_fini(&o);
    return st;
}

static void
test_alloc(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(clean_once, NULL) > 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),    cmocka_unit_test(test_generated),
        cmocka_unit_test(test_valid_utf8_check),
        cmocka_unit_test(test_fixtures), cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_alloc),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
