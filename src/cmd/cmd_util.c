/* Messages and help shared by the subcommands (see cmd.h). */
#include "cmd/cmd.h"

#include "app/ctx.h"

#include <jansson.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

static void
cmd_vreport(const struct cmd_env *env, const char *name, const char *fmt,
            va_list ap)
{
    fprintf(env->err, "syndic %s: ", name);
    vfprintf(env->err, fmt, ap);
    fputc('\n', env->err);
}

int
cmd_usage_error(const struct cmd_env *env, const char *name, const char *fmt,
                ...)
{
    va_list ap;

    va_start(ap, fmt);
    cmd_vreport(env, name, fmt, ap);
    va_end(ap);
    fprintf(env->err, "Try 'syndic help %s'.\n", name);
    return CMD_USAGE;
}

int
cmd_fail(const struct cmd_env *env, const char *name, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cmd_vreport(env, name, fmt, ap);
    va_end(ap);
    return CMD_RUNTIME;
}

int
cmd_print_help(const struct cmd_env *env, const char *name, FILE *to)
{
    const struct cmd_def *c;

    for (c = cmd_table; c->name != NULL; c++) {
        if (strcmp(c->name, name) == 0) {
            fputs(c->help, to);
            return CMD_OK;
        }
    }
    fprintf(env->err, "syndic: unknown command '%s'; try 'syndic --help'\n",
            name);
    return CMD_USAGE;
}

int
cmd_open_ctx(const struct cmd_env *env, const char *name, unsigned flags,
             struct syn_ctx *ctx)
{
    struct ctx_opts opts = {env->config_path, env->db_path, env->verbosity,
                            flags};
    struct syn_err err;

    syn_err_clear(&err);
    if (ctx_open(ctx, &opts, &err) != SYN_OK)
        return cmd_fail(env, name, "%s", err.msg);
    return CMD_OK;
}

const char *
cmd_format_time(int64_t t, char out[32])
{
    struct tm tm;
    time_t tt = (time_t)t;

    out[0] = '\0';
    if (t != 0 && gmtime_r(&tt, &tm) != NULL) {
        (void)strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    return out;
}

void
cmd_csv_field(FILE *out, const char *s, bool text, bool last)
{
    const char *p;

    if (s == NULL) {
        s = "";
    }
    if (text && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) {
        fputc('\'', out);
    }
    if (strpbrk(s, ",\"\r\n") != NULL || (text && s[0] == '\'')) {
        fputc('"', out);
        for (p = s; *p != '\0'; p++) {
            if (*p == '"') {
                fputc('"', out);
            }
            fputc(*p, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
    fputs(last ? "\r\n" : ",", out);
}

int
cmd_print_json_rows(const struct cmd_env *env, const char *cmd,
                    const void *rows, size_t n, size_t row_size,
                    cmd_row_json_fn row_json, bool full)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a != NULL && i < n; i++) {
        json_t *o = row_json((const char *)rows + i * row_size, full);

        if (o == NULL || json_array_append_new(a, o) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    if (a == NULL || json_dumpf(a, env->out, JSON_INDENT(1)) != 0) {
        json_decref(a);
        return cmd_fail(env, cmd, "out of memory");
    }
    fputc('\n', env->out);
    json_decref(a);
    return CMD_OK;
}

json_t *
cmd_json_str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}
