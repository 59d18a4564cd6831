/* syndic sanitize: an HTML fragment on stdin, its safe form on stdout
 * (html/sanitize.h). */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "html/sanitize.h"
#include "util/buf.h"
#include "util/limits.h"

const char cmd_sanitize_help[] =
    "usage: syndic sanitize [--base URL] < fragment.html\n"
    "\n"
    "Read an HTML fragment on standard input and write its safe form on\n"
    "standard output: the allowlist sanitizer that syndic applies to every\n"
    "feed's HTML (scripts, styles, event handlers, forms, frames, SVG and\n"
    "tracking pixels removed; URLs limited to http, https and mailto).\n"
    "\n"
    "  --base URL   resolve relative links and images against URL\n"
    "\n"
    "Input is limited to 2 MiB. Exit status: 0 ok, 1 failure, 2 usage.\n";

/* Read all of f into b; SYN_ETOOBIG past b's max, SYN_EIO. */
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
cmd_sanitize(const struct cmd_env *env, int argc, char **argv)
{
    static const struct opt_spec specs[] = {
        {"base", 'b', true, 1},
        {NULL, 0, false, 0},
    };
    struct opt_iter it;
    struct buf in, out;
    struct syn_err err = {SYN_OK, ""};
    const char *base = NULL;
    enum syn_status st;
    int id, rc = CMD_OK;

    opt_init(&it, argc, argv, 1);
    while ((id = opt_next(&it, specs)) != OPT_END) {
        if (id == OPT_ERROR)
            return cmd_usage_error(env, "sanitize", "%s", it.error);
        if (id == OPT_ARG)
            return cmd_usage_error(env, "sanitize",
                                   "unexpected argument '%s'", it.value);
        base = it.value;
    }
    buf_init(&in, SYN_MAX_HTML_BYTES);
    buf_init(&out, 8 * (size_t)SYN_MAX_HTML_BYTES);
    st = read_all(stdin, &in);
    if (st != SYN_OK) {
        rc = cmd_fail(env, "sanitize", "cannot read the input: %s",
                      st == SYN_ETOOBIG ? "longer than 2 MiB"
                                        : syn_strerror(st));
        goto out;
    }
    st = html_sanitize(buf_cstr(&in), in.len, base, &out, &err);
    if (st != SYN_OK) {
        rc = cmd_fail(env, "sanitize", "%s", err.msg);
        goto out;
    }
    if (fwrite(buf_cstr(&out), 1, out.len, env->out) != out.len ||
        fflush(env->out) != 0)
        rc = cmd_fail(env, "sanitize", "cannot write the output");
out:
    buf_fini(&in);
    buf_fini(&out);
    return rc;
}
