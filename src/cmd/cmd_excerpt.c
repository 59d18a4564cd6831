/* syndic excerpt: HTML on stdin, its excerpt on stdout (html/excerpt.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "html/excerpt.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/str.h"

const char cmd_excerpt_help[] =
    "usage: syndic excerpt [--words N] [--text] < story.html\n"
    "\n"
    "Read HTML on standard input and write a short, safe excerpt of it on\n"
    "standard output, cut at a paragraph or sentence end with an ellipsis.\n"
    "Scripts without spaces (Chinese, Japanese...) count 2 characters as\n"
    "one word.\n"
    "\n"
    "  --words N    at most N words (default 40, as in lists and digests;\n"
    "               the article page uses 150)\n"
    "  --text       write plain text instead of HTML\n"
    "\n"
    "Input is limited to 2 MiB. Exit status: 0 ok, 1 failure, 2 usage.\n";

static enum syn_status
read_all(FILE *f, struct buf *b)
{
    char chunk[16384];
    size_t n;

    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        enum syn_status st = buf_append(b, chunk, n);

        if (st != SYN_OK)
            return st;
    }
    return ferror(f) ? SYN_EIO : SYN_OK;
}

int
cmd_excerpt(const struct cmd_env *env, int argc, char **argv)
{
    static const struct opt_spec specs[] = {
        {"words", 'w', true, 1},
        {"text", 't', false, 2},
        {NULL, 0, false, 0},
    };
    struct opt_iter it;
    struct buf in, out;
    struct syn_err err = {SYN_OK, ""};
    long words = HTML_EXCERPT_LIST_WORDS;
    bool text = false;
    enum syn_status st;
    int id, rc = CMD_OK;

    opt_init(&it, argc, argv, 1);
    while ((id = opt_next(&it, specs)) != OPT_END) {
        if (id == OPT_ERROR)
            return cmd_usage_error(env, "excerpt", "%s", it.error);
        if (id == OPT_ARG)
            return cmd_usage_error(env, "excerpt", "unexpected argument '%s'",
                                   it.value);
        if (id == 1 && str_to_long(it.value, 1, 100000, &words) != SYN_OK)
            return cmd_usage_error(env, "excerpt",
                                   "--words needs a number from 1 to "
                                   "100000, not '%s'",
                                   it.value);
        if (id == 2) {
            text = true;
        }
    }
    buf_init(&in, SYN_MAX_HTML_BYTES);
    buf_init(&out, SYN_MAX_HTML_BYTES);
    st = read_all(stdin, &in);
    if (st != SYN_OK) {
        rc = cmd_fail(env, "excerpt", "cannot read the input: %s",
                      st == SYN_ETOOBIG ? "longer than 2 MiB"
                                        : syn_strerror(st));
        goto out;
    }
    st = html_excerpt(buf_cstr(&in), in.len, (size_t)words, text ? NULL : &out,
                      text ? &out : NULL, &err);
    if (st != SYN_OK) {
        rc = cmd_fail(env, "excerpt", "%s", err.msg);
        goto out;
    }
    if (fwrite(buf_cstr(&out), 1, out.len, env->out) != out.len ||
        fputc('\n', env->out) == EOF || fflush(env->out) != 0) {
        rc = cmd_fail(env, "excerpt", "cannot write the output");
    }
out:
    buf_fini(&in);
    buf_fini(&out);
    return rc;
}
