/* html/sanitize, html/escape: every policy rule as { input, base, expected },
 * the fixed-point property on each case, limits, allocation failures. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "html/escape.h"
#include "html/excerpt.h"
#include "html/sanitize.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"

struct san_case {
    const char *name;
    const char *in;
    const char *base; /* NULL: none */
    const char *want;
};

static const struct san_case san_cases[] = {
    {"plain text", "Hello & <world>", NULL, "Hello &amp; "},
    {"entities decoded and re-escaped",
     "<p>&lt;b&gt; &amp;amp; &quot;q&quot; &#39; &eacute;&nbsp;&#x1F600;</p>",
     NULL, "<p>&lt;b&gt; &amp;amp; &quot;q&quot; &#39; é 😀</p>"},
    {"script removed with content", "<p>a<script>alert(1)</script>b</p>", NULL,
     "<p>ab</p>"},
    {"style, template, noscript, textarea, title dropped",
     "<style>p{}</style><template><p>t</p></template><noscript>n</"
     "noscript><textarea>x</textarea><title>t</title>ok",
     NULL, "ok"},
    {"event handlers dropped",
     "<p onclick=\"alert(1)\" onmouseover=x style=\"color:red\" class=c "
     "id=i>x</p>",
     NULL, "<p>x</p>"},
    {"javascript href: link dropped, text kept",
     "<a href=\"javascript:alert(1)\">x</a>", NULL, "x"},
    {"entity-encoded scheme dropped",
     "<a href=\"jav&#x09;ascript:alert(1)\">x</a><a "
     "href=\"&#106;avascript:alert(1)\">y</a>",
     NULL, "xy"},
    {"control and space stripping",
     "<a href=\" &#14; javascript:alert(1)\">x</a><a href=\"\n "
     "https://ok.example/p \n\">y</a>",
     NULL,
     "x<a href=\"https://ok.example/p\" rel=\"nofollow noopener "
     "noreferrer\">y</a>"},
    {"data and vbscript dropped",
     "<a href=\"data:text/html,x\">d</a><img "
     "src=\"data:image/png;base64,AAAA\"><a href=\"VBScript:x\">v</a>",
     NULL, "dv"},
    {"mailto kept", "<a href=\"mailto:a@b.org\">m</a>", NULL,
     "<a href=\"mailto:a@b.org\" rel=\"nofollow noopener noreferrer\">m</a>"},
    {"relative resolved",
     "<a href=\"../x?a=1&amp;b=2#f\">r</a><img src=\"/i.jpg\">",
     "https://ex.org/news/a.html",
     "<a href=\"https://ex.org/x?a=1&amp;b=2#f\" rel=\"nofollow noopener "
     "noreferrer\">r</a><img src=\"https://ex.org/i.jpg\">"},
    {"relative kept without base", "<a href=\"x.html\">r</a>", NULL,
     "<a href=\"x.html\" rel=\"nofollow noopener noreferrer\">r</a>"},
    {"protocol relative", "<img src=\"//cdn.example/i.jpg\">",
     "https://ex.org/news/a.html", "<img src=\"https://cdn.example/i.jpg\">"},
    {"player link to an ad URL dropped (it would be, read again)",
     "<iframe src=\"https://player.vimeo.com/video/x!feedburner.com/~a/y\">"
     "</iframe>ok",
     NULL, "ok"},
    {"links get rel",
     "<a href=\"https://x.example/\" rel=\"opener\" target=\"_blank\">x</a>",
     NULL,
     "<a href=\"https://x.example/\" rel=\"nofollow noopener "
     "noreferrer\">x</a>"},
    {"headings demoted", "<h1>a</h1><h2>b</h2><h3>c</h3><h6>f</h6>", NULL,
     "<h3>a</h3><h3>b</h3><h3>c</h3><h6>f</h6>"},
    {"allowed phrasing",
     "<p><em>e</em><strong>s</strong><code>c</code><sub>1</sub><sup>2</"
     "sup><abbr title=\"t\">a</abbr><time datetime=\"2024-01-01\">d</time><del "
     "cite=\"https://c.example/\">x</del><ins>y</ins><q "
     "cite=\"javascript:x\">q</q></p>",
     NULL,
     "<p><em>e</em><strong>s</strong><code>c</code><sub>1</sub><sup>2</"
     "sup><abbr title=\"t\">a</abbr><time datetime=\"2024-01-01\">d</time><del "
     "cite=\"https://c.example/\">x</del><ins>y</ins><q>q</q></p>"},
    {"lists and quotes",
     "<ul><li>a</li></ul><ol start=\"3\" reversed type=\"i\" onclick=x><li "
     "value=\"5\">b</li></ol><blockquote "
     "cite=\"https://q.example/\">q</blockquote><dl><dt>t</dt><dd>d</dd></dl>",
     NULL,
     "<ul><li>a</li></ul><ol start=\"3\" reversed=\"\" type=\"i\"><li "
     "value=\"5\">b</li></ol><blockquote "
     "cite=\"https://q.example/\">q</blockquote><dl><dt>t</dt><dd>d</dd></dl>"},
    {"figure with caption",
     "<figure><img src=\"https://i.example/a.jpg\" alt=\"A\" width=\"640\" "
     "height=\"480\"><figcaption>Cap</figcaption></figure>",
     NULL,
     "<figure><img src=\"https://i.example/a.jpg\" alt=\"A\" width=\"640\" "
     "height=\"480\"><figcaption>Cap</figcaption></figure>"},
    {"table",
     "<table border=1><caption>c</caption><tr><th scope=col "
     "colspan=2>h</th></tr><tr><td rowspan=\"x\">d</td></tr></table>",
     NULL,
     "<table><caption>c</caption><tbody><tr><th scope=\"col\" "
     "colspan=\"2\">h</th></tr><tr><td>d</td></tr></tbody></table>"},
    {"pre keeps its leading newline", "<pre>\n\nx  y</pre><pre>\nz</pre>", NULL,
     "<pre>\n\nx  y</pre><pre>z</pre>"},
    {"hr br wbr", "a<br>b<hr>c<wbr>d", NULL, "a<br>b<hr>c<wbr>d"},
    {"unknown and container tags unwrapped",
     "<section><article><custom-el x=1>t</custom-el></article></section><font "
     "color=red>f</font><center>c</center>",
     NULL, "t\nf\nc\n"},
    {"forms removed, text kept",
     "<form action=\"/x\"><label>L</label><input "
     "value=v><button>B</button><select><option>O</option></select>T</form>",
     NULL, "LB\nT"},
    {"frames objects embeds svg math",
     "<iframe src=\"https://evil.example/\"></iframe><object "
     "data=x>o</object><embed "
     "src=x><svg><text>s</text></svg><math><mi>m</mi></math><frameset><frame "
     "src=x></frameset>ok",
     NULL, "ok"},
    {"youtube iframe becomes a link",
     "<iframe src=\"https://www.youtube.com/embed/abc_12-3?rel=0\" "
     "width=560></iframe>",
     NULL,
     "<a href=\"https://www.youtube.com/watch?v=abc_12-3\" rel=\"nofollow "
     "noopener noreferrer\">https://www.youtube.com/watch?v=abc_12-3</a>"},
    {"vimeo iframe protocol-relative",
     "<iframe src=\"//player.vimeo.com/video/76979871\"></iframe>", NULL,
     "<a href=\"https://vimeo.com/76979871\" rel=\"nofollow noopener "
     "noreferrer\">https://vimeo.com/76979871</a>"},
    {"tracking pixels dropped",
     "<img src=\"https://a.example/p.gif\" width=\"1\" height=\"1\"><img "
     "src=\"http://feeds.feedburner.com/~r/x/~4/abc\"><img "
     "src=\"https://pixel.wp.com/b.gif?x\"><img "
     "src=\"https://ad.doubleclick.net/x.jpg\"><img "
     "src=\"https://feeds.feedblitz.com/~/i/1\">",
     NULL, ""},
    {"lazy images",
     "<img src=\"data:image/gif;base64,R0l\" data-src=\"/big.jpg\" "
     "data-srcset=\"/big.jpg 1x, /big2.jpg 2x\" alt=a><img "
     "data-lazy-src=\"https://l.example/z.png\">",
     "https://ex.org/news/a.html",
     "<img src=\"https://ex.org/big.jpg\" srcset=\"https://ex.org/big.jpg 1x, "
     "https://ex.org/big2.jpg 2x\" alt=\"a\"><img "
     "src=\"https://l.example/z.png\">"},
    {"srcset filtered",
     "<img src=\"a.jpg\" srcset=\"a.jpg 1x, javascript:x 2x, b.jpg 640w, c.jpg "
     "bogus\">",
     "https://ex.org/news/a.html",
     "<img src=\"https://ex.org/news/a.jpg\" "
     "srcset=\"https://ex.org/news/a.jpg 1x, https://ex.org/news/b.jpg "
     "640w\">"},
    {"image without src dropped",
     "<img alt=\"no src\"><img src=\"javascript:alert(1)\">", NULL, ""},
    {"broken nesting", "<b><i>x</b>y</i>", NULL, "<b><i>x</i></b><i>y</i>"},
    {"unclosed tags", "<p>one<p>two<ul><li>a<li>b", NULL,
     "<p>one</p><p>two</p><ul><li>a</li><li>b</li></ul>"},
    {"p inside button unwrapped", "<p>a<button><p>b</p></button>c", NULL,
     "<p>a\nb\nc</p>"},
    {"nested links unwrapped",
     "<a href=\"https://a.example/\">x<div><a "
     "href=\"https://b.example/\">y</a></div></a>",
     NULL,
     "<a href=\"https://a.example/\" rel=\"nofollow noopener "
     "noreferrer\">x</a><div><a href=\"https://a.example/\" rel=\"nofollow "
     "noopener noreferrer\"></a><a href=\"https://b.example/\" rel=\"nofollow "
     "noopener noreferrer\">y</a></div>"},
    {"rtl text keeps dir",
     "<p dir=\"rtl\" lang=\"ar\">مرحبا</p><p dir=\"evil\">x</p>", NULL,
     "<p dir=\"rtl\" lang=\"ar\">مرحبا</p><p>x</p>"},
    {"comments dropped", "a<!-- <script>alert(1)</script> -->b", NULL, "ab"},
    {"control characters dropped", "a&#1;b&#x7f;c&#13;d", NULL, "abc&#13;d"},
    {"video",
     "<video src=\"v.mp4\" poster=\"p.jpg\" autoplay onplay=x><source "
     "src=\"v.webm\" type=\"video/webm\">fallback</video>",
     "https://ex.org/news/a.html",
     "<video src=\"https://ex.org/news/v.mp4\" "
     "poster=\"https://ex.org/news/p.jpg\" controls=\"\"><source "
     "src=\"https://ex.org/news/v.webm\" type=\"video/webm\">fallback</video>"},
    {"mxss noscript",
     "<noscript><p title=\"</noscript><img src=x "
     "onerror=alert(1)>\"></noscript>",
     NULL, ""},
    {"mxss svg style",
     "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">", NULL,
     ""},
    {"empty", "", NULL, ""},
    {"unwrapped blocks keep their text apart",
     "<section><div>alpha</div><article>beta</article></section>"
     "<center>gamma</center>delta",
     NULL, "<div>alpha</div>\nbeta\ngamma\ndelta"},
    {"pixel path is a tracker",
     "<img src=\"https://t.example.com/pixel?u=1\"><img "
     "src=\"https://t.example.com/a/pixel.png\"><img "
     "src=\"https://i.example/pixels/sunset.jpg\">",
     NULL, "<img src=\"https://i.example/pixels/sunset.jpg\">"},
    {"link without href unwrapped", "<a name=\"top\">anchor</a>", NULL,
     "anchor"},
    {"feedburner flare ad links dropped",
     "<p>Story.</p><a href=\"http://feeds.feedburner.com/~ff/Foo?a=x\"><img "
     "src=\"http://feeds.feedburner.com/~ff/Foo?d=y\" border=\"0\"></a>"
     "<a href=\"https://ad.doubleclick.net/click\">ad</a>",
     NULL, "<p>Story.</p>"},
    {"whitespace between table parts kept",
     "<table>\n<tr>\n<td>a</td>\n</tr>\n</table>", NULL,
     "<table>\n<tbody><tr>\n<td>a</td>\n</tr>\n</tbody></table>"},
};

static void
run_sanitize(const char *in, size_t len, const char *base, struct buf *out)
{
    struct syn_err err;

    buf_reset(out);
    assert_int_equal(html_sanitize(in, len, base, out, &err), SYN_OK);
}

static void
test_sanitize_table(void **state)
{
    struct buf out, again;
    size_t i, failed = 0;

    (void)state;
    buf_init(&out, 1 << 20);
    buf_init(&again, 1 << 20);
    for (i = 0; i < SYN_ARRAY_LEN(san_cases); i++) {
        const struct san_case *c = &san_cases[i];

        if (c->in == NULL)
            continue;
        run_sanitize(c->in, strlen(c->in), c->base, &out);
        if (strcmp(buf_cstr(&out), c->want) != 0) {
            print_error("case '%s':\n got: %s\nwant: %s\n", c->name,
                        buf_cstr(&out), c->want);
            failed++;
        }
        /* every expected output is a fixed point */
        run_sanitize(out.data != NULL ? out.data : "", out.len, c->base,
                     &again);
        if (strcmp(buf_cstr(&again), buf_cstr(&out)) != 0) {
            fail_msg("case '%s' is not a fixed point:\n1st: %s\n2nd: %s",
                     c->name, buf_cstr(&out), buf_cstr(&again));
        }
    }
    buf_fini(&out);
    buf_fini(&again);
    assert_int_equal(failed, 0);
}

/* Realistic articles in tests/data/html: NAME.html sanitized with the
 * article's URL as base gives NAME.expected; its 40-word excerpt gives
 * NAME.excerpt.expected (both with the trailing newline of the files). */
static void
test_sanitize_fixtures(void **state)
{
    static const char *const names[] = {"wordpress-post", "rtl-cjk"};
    static const char base[] = "https://example.org/2024/03/water/";
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(names); i++) {
        char path[256];
        char *in, *want, *want_ex;
        size_t in_len;
        struct buf out;
        struct syn_err err;

        snprintf(path, sizeof(path), "html/%s.html", names[i]);
        in = test_read_file(test_data_path(path), &in_len);
        snprintf(path, sizeof(path), "html/%s.expected", names[i]);
        want = test_read_file(test_data_path(path), NULL);
        snprintf(path, sizeof(path), "html/%s.excerpt.expected", names[i]);
        want_ex = test_read_file(test_data_path(path), NULL);
        assert_non_null(in);
        assert_non_null(want);
        assert_non_null(want_ex);
        buf_init(&out, 1 << 20);
        assert_int_equal(html_sanitize(in, in_len, base, &out, &err), SYN_OK);
        assert_string_equal(buf_cstr(&out), want);
        buf_reset(&out);
        assert_int_equal(html_excerpt(in, in_len, 40, &out, NULL, &err),
                         SYN_OK);
        assert_int_equal(buf_append_char(&out, '\n'), SYN_OK);
        assert_string_equal(buf_cstr(&out), want_ex);
        buf_fini(&out);
        syn_free(in);
        syn_free(want);
        syn_free(want_ex);
    }
}

static void
test_sanitize_limits(void **state)
{
    struct buf in, out;
    struct syn_err err;
    size_t i;

    (void)state;
    buf_init(&in, SYN_MAX_HTML_BYTES + 16);
    buf_init(&out, 1 << 20);
    /* nesting far past the limits: parsed fast, written at most
     * SYN_MAX_HTML_DEPTH deep */
    for (i = 0; i < 20000; i++) {
        assert_int_equal(buf_append_str(&in, "<div>"), SYN_OK);
    }
    assert_int_equal(buf_append_str(&in, "deep"), SYN_OK);
    run_sanitize(in.data, in.len, NULL, &out);
    assert_true(out.len < 20 * SYN_MAX_HTML_DEPTH);
    assert_null(strstr(buf_cstr(&out), "deep"));
    /* too big */
    buf_reset(&in);
    while (in.len <= SYN_MAX_HTML_BYTES) {
        assert_int_equal(buf_append_str(&in, "<p>aaaaaaaaaaa</p>"), SYN_OK);
    }
    assert_int_equal(html_sanitize(in.data, in.len, NULL, &out, &err),
                     SYN_ETOOBIG);
    /* output limit: out unchanged */
    buf_fini(&out);
    buf_init(&out, 10);
    assert_int_equal(buf_append_str(&out, "keep"), SYN_OK);
    assert_int_equal(
        html_sanitize("<p>a long paragraph</p>", 23, NULL, &out, &err),
        SYN_ETOOBIG);
    assert_string_equal(buf_cstr(&out), "keep");
    buf_fini(&in);
    buf_fini(&out);
}

static void
test_escape(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        const char *want;
    } cases[] = {
        {"plain", 5, "plain"},
        {"<a href=\"x\">'&'</a>", 19,
         "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"},
        {"a\0b\x01\x7f"
         "c\r\n",
         8, "abc&#13;\n"},
        {"\xc2\x85x\xc2\xa0", 5, "x\xc2\xa0"},
        {"\xef\xb7\x90\xef\xbf\xbf\xe4\xb8\xad", 9, "\xe4\xb8\xad"},
        {"a\xff\xc3(\xe4\xb8", 6,
         "a\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd"},
        {"", 0, ""},
    };
    struct buf b;
    size_t i;

    (void)state;
    buf_init(&b, 1024);
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        buf_reset(&b);
        assert_int_equal(html_escape_append(&b, cases[i].in, cases[i].len),
                         SYN_OK);
        assert_string_equal(buf_cstr(&b), cases[i].want);
    }
    buf_fini(&b);
    buf_init(&b, 4);
    assert_int_equal(html_escape_append(&b, "&", 1), SYN_ETOOBIG);
    assert_int_equal(b.len, 0);
    buf_fini(&b);
}

static enum syn_status
sanitize_article(void *state)
{
    static const char in[] =
        "<h1>Title</h1><p>Text <a href=\"/x\">link</a> <img data-src="
        "\"/i.jpg\" srcset=\"a.jpg 1x, b.jpg 2x\"></p><iframe src=\""
        "https://www.youtube.com/embed/xyz\"></iframe><script>x</script>";
    struct buf out;
    struct syn_err err;
    enum syn_status st;

    (void)state;
    buf_init(&out, 1 << 16);
    st = html_sanitize(in, sizeof(in) - 1, "https://ex.org/a/", &out, &err);
    if (st == SYN_OK) {
        assert_non_null(strstr(buf_cstr(&out), "https://ex.org/x"));
    } else {
        assert_int_equal(out.len, 0);
    }
    buf_fini(&out);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(sanitize_article, NULL) > 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_table),
        cmocka_unit_test(test_sanitize_fixtures),
        cmocka_unit_test(test_sanitize_limits),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
