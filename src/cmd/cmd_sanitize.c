/* syndic sanitize: an HTML fragment on stdin, its safe form on stdout
 * (html/sanitize.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "html/sanitize.h"
#include "util/buf.h"
#include "util/limits.h"

const char cmd_sanitize_help[] =
    "usage: syndic sanitize [--base URL] [FILE...] < fragment.html\n"
    "\n"
    "Read an HTML fragment on standard input and write its safe form on\n"
    "standard output: the allowlist sanitizer that syndic applies to every\n"
    "feed's HTML (scripts, styles, event handlers, forms, frames, SVG and\n"
    "tracking pixels removed; URLs limited to http, https and mailto).\n"
    "\n"
    "  --base URL   resolve relative links and images against URL\n"
    "\n"
    "With FILEs, each file is one fragment, sanitized on its own; the\n"
    "results are written one after the other, each followed by a newline.\n"
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

/* Sanitize the whole of f; write the result, then a newline if nl. */
static int
sanitize_stream(const struct cmd_env *env, FILE *f, const char *name,
                const char *base, bool nl, struct buf *in, struct buf *out)
{
    struct syn_err err = {SYN_OK, ""};
    enum syn_status st;

    buf_reset(in);
    buf_reset(out);
    st = read_all(f, in);
    if (st != SYN_OK)
        return cmd_fail(env, "sanitize", "cannot read %s: %s", name,
                        st == SYN_ETOOBIG ? "longer than 2 MiB"
                                          : syn_strerror(st));
    st = html_sanitize(buf_cstr(in), in->len, base, out, &err);
    if (st != SYN_OK)
        return cmd_fail(env, "sanitize", "%s: %s", name, err.msg);
    if (fwrite(buf_cstr(out), 1, out->len, env->out) != out->len ||
        (nl && fputc('\n', env->out) == EOF))
        return cmd_fail(env, "sanitize", "cannot write the output");
    return CMD_OK;
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
    const char *base = NULL;
    int id, i, n_files = 0, rc = CMD_OK;

    opt_init(&it, argc, argv, 1);
    while ((id = opt_next(&it, specs)) != OPT_END) {
        if (id == OPT_ERROR)
            return cmd_usage_error(env, "sanitize", "%s", it.error);
        if (id == OPT_ARG) {
            n_files++;
        } else {
            base = it.value;
        }
    }
    buf_init(&in, SYN_MAX_HTML_BYTES);
    buf_init(&out, 8 * (size_t)SYN_MAX_HTML_BYTES);
    if (n_files == 0) {
        rc = sanitize_stream(env, stdin, "stdin", base, false, &in, &out);
    }
    opt_init(&it, argc, argv, 1);
    for (i = 0;
         n_files > 0 && rc == CMD_OK && (id = opt_next(&it, specs)) != OPT_END;
         i++) {
        FILE *f;

        if (id != OPT_ARG)
            continue;
        if (strcmp(it.value, "-") == 0) {
            rc = sanitize_stream(env, stdin, "stdin", base, true, &in, &out);
            continue;
        }
        f = fopen(it.value, "rb");
        if (f == NULL) {
            rc = cmd_fail(env, "sanitize", "cannot open %s", it.value);
            break;
        }
        rc = sanitize_stream(env, f, it.value, base, true, &in, &out);
        fclose(f);
    }
    if (rc == CMD_OK && fflush(env->out) != 0) {
        rc = cmd_fail(env, "sanitize", "cannot write the output");
    }
    buf_fini(&in);
    buf_fini(&out);
    return rc;
}
