/* syndic parse: read feed documents from files (or stdin) and print the
 * normalized model as JSON, one line per document (NDJSON with several
 * files). A file that cannot be parsed at all is reported on stderr with
 * its name and makes the exit status 1; the others are still printed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app/normalize.h"
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "feed/parse.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"

const char cmd_parse_help[] =
    "usage: syndic parse [--raw] [--base URL] [--charset NAME] FILE...|-\n"
    "\n"
    "Parse RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed documents (the\n"
    "format is detected from the content) and print each as one line of\n"
    "JSON: {format, bozo, errors, encoding, title, link, description,\n"
    "language, updated, image, items: [{id, url, title, authors,\n"
    "published, updated, summary_html, content_html, excerpt_html,\n"
    "excerpt_text, image, categories, language, enclosures: [{url, type,\n"
    "length}]}]}.\n"
    "Times are RFC 3339 UTC; unknown fields are null. '-' reads stdin.\n"
    "\n"
    "Options:\n"
    "  --raw            skip HTML sanitizing and excerpts (parser only)\n"
    "  --base URL       document URL, for relative links\n"
    "  --charset NAME   charset as an HTTP Content-Type would give it\n"
    "\n"
    "Exit status: 0 all parsed, 1 a file could not be read or parsed,\n"
    "2 usage error.\n";

/* Read all of f into *b (reset first); SYN_ETOOBIG past the feed limit. */
static enum syn_status
read_all(FILE *f, struct buf *b)
{
    enum syn_status st;
    size_t n;

    buf_reset(b);
    for (;;) {
        if ((st = buf_reserve(b, 64 * 1024)) != SYN_OK)
            return st;
        n = fread(b->data + b->len, 1, b->cap - b->len - 1, f);
        b->len += n;
        b->data[b->len] = '\0';
        if (n == 0)
            return ferror(f) ? SYN_EIO : SYN_OK;
    }
}

static int
parse_one(const struct cmd_env *env, const char *path, bool raw,
          const struct feed_parse_opts *opts, struct buf *in, struct buf *out)
{
    struct syn_err err = {SYN_OK, ""};
    struct feed *f = NULL;
    struct feed_item *it;
    enum syn_status st;
    FILE *fp = stdin;

    if (strcmp(path, "-") != 0 && (fp = fopen(path, "rb")) == NULL)
        return cmd_fail(env, "parse", "%s: %s", path, strerror(errno));
    st = read_all(fp, in);
    if (fp != stdin) {
        fclose(fp);
    }
    if (st == SYN_ETOOBIG)
        return cmd_fail(env, "parse", "%s: larger than %u bytes", path,
                        SYN_MAX_FEED_BYTES);
    if (st != SYN_OK)
        return cmd_fail(env, "parse", "%s: cannot read: %s", path,
                        syn_strerror(st));
    st = feed_parse(buf_cstr(in), in->len, opts, &f, &err);
    if (st != SYN_OK)
        return cmd_fail(env, "parse", "%s: %s", path,
                        err.msg[0] != '\0' ? err.msg : syn_strerror(st));
    for (it = f->items; !raw && it != NULL; it = it->next) {
        /* The list length of excerpts (docs/CONFIG.md excerpt_words). */
        static const struct normalize_opts words = {40, 40};

        if ((st = normalize_item(f, it, &words, NULL, &err)) != SYN_OK) {
            feed_free(f);
            return cmd_fail(env, "parse", "%s: %s", path, syn_strerror(st));
        }
    }
    buf_reset(out);
    st = feed_to_json(f, out);
    feed_free(f);
    if (st != SYN_OK)
        return cmd_fail(env, "parse", "%s: %s", path, syn_strerror(st));
    SYN_IGNORE(buf_append_char(out, '\n') != SYN_OK);
    if (fwrite(buf_cstr(out), 1, out->len, env->out) != out->len)
        return cmd_fail(env, "parse", "writing output: %s", strerror(errno));
    return CMD_OK;
}

int
cmd_parse(const struct cmd_env *env, int argc, char **argv)
{
    static const struct opt_spec specs[] = {
        {"raw", 0, false, 1},
        {"base", 0, true, 2},
        {"charset", 0, true, 3},
        {NULL, 0, false, 0},
    };
    struct feed_parse_opts opts = {NULL, NULL};
    struct opt_iter it;
    struct buf in, out;
    bool raw = false;
    int id, n_files = 0, rc = CMD_OK;

    opt_init(&it, argc, argv, 1);
    while ((id = opt_next(&it, specs)) != OPT_END) {
        if (id == OPT_ERROR)
            return cmd_usage_error(env, "parse", "%s", it.error);
        if (id == 1) {
            raw = true;
        } else if (id == 2) {
            opts.base_url = it.value;
        } else if (id == 3) {
            opts.http_charset = it.value;
        } else {
            n_files++;
        }
    }
    if (n_files == 0)
        return cmd_usage_error(env, "parse", "no FILE given (use - for stdin)");
    /* NOTE: 4x the feed limit for the JSON of one document */
    buf_init(&in, SYN_MAX_FEED_BYTES + 1);
    buf_init(&out, 8u * SYN_MAX_FEED_BYTES);
    opt_init(&it, argc, argv, 1);
    while ((id = opt_next(&it, specs)) != OPT_END) {
        if (id == OPT_ARG &&
            parse_one(env, it.value, raw, &opts, &in, &out) != CMD_OK) {
            rc = CMD_RUNTIME;
        }
    }
    buf_fini(&in);
    buf_fini(&out);
    if (fflush(env->out) != 0) {
        rc = cmd_fail(env, "parse", "writing output: %s", strerror(errno));
    }
    return rc;
}
