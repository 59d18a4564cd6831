/* syndic opml import|export: move subscription lists in and out. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app/ctx.h"
#include "cmd/cmd.h"
#include "feed/opml.h"
#include "store/store.h"
#include "util/ascii.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/utf8.h"

const char cmd_opml_help[] =
    "usage: syndic opml import FILE|-\n"
    "       syndic opml export\n"
    "\n"
    "import  add every feed of an OPML file as a source (nested outlines\n"
    "        and category attributes become topics); feeds already known\n"
    "        are skipped. All or nothing: one bad entry adds none.\n"
    "export  print every source as OPML 2.0 on standard output.\n";

/* Topics of an OPML feed, as slugs: lower-case, spaces to '-'. */
#define OPML_MAX_TOPICS 32
#define OPML_SLUG_BYTES 64

/* A topic slug from an OPML folder or category name: ASCII lower-cased,
 * runs of other ASCII bytes become one '-', non-ASCII letters are kept
 * (a Chinese folder name is a fine slug). NOTE: truncates,
 * OPML_SLUG_BYTES, at a character boundary. */
static void
slugify(const char *name, char out[OPML_SLUG_BYTES])
{
    size_t o = 0;

    for (; *name != '\0'; name++) {
        unsigned char c = (unsigned char)*name;

        if (c >= 0x80 || ascii_isalnum(c)) {
            if (o + 1 >= OPML_SLUG_BYTES)
                break;
            out[o++] = (char)ascii_tolower(c);
        } else if (o > 0 && out[o - 1] != '-' && o + 1 < OPML_SLUG_BYTES) {
            out[o++] = '-';
        }
    }
    while (o > 0 && out[o - 1] == '-') {
        o--;
    }
    o = utf8_boundary(out, o);
    out[o] = '\0';
}

static enum syn_status
read_file(const char *path, struct buf *b)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char chunk[65536];
    enum syn_status st = SYN_OK;
    size_t n;

    if (f == NULL)
        return SYN_EIO;
    while (st == SYN_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        st = buf_append(b, chunk, n);
    }
    if (st == SYN_OK && ferror(f)) {
        st = SYN_EIO;
    }
    if (f != stdin) {
        fclose(f);
    }
    return st;
}

static int
opml_import(const struct cmd_env *env, struct syn_ctx *ctx, const char *path)
{
    struct opml_doc *doc = NULL;
    struct syn_err err;
    struct buf in;
    size_t i, added = 0, known = 0;
    enum syn_status st;
    int rc = CMD_RUNTIME;

    buf_init(&in, SYN_MAX_FEED_BYTES);
    syn_err_clear(&err);
    st = read_file(path, &in);
    if (st != SYN_OK) {
        rc = cmd_fail(env, "opml", "%s: %s", path,
                      st == SYN_EIO ? strerror(errno) : syn_strerror(st));
        goto out;
    }
    if (opml_parse(buf_cstr(&in), in.len, &doc, &err) != SYN_OK) {
        rc = cmd_fail(env, "opml", "%s: %s", path, err.msg);
        goto out;
    }
    if (store_begin(ctx->store, &err) != SYN_OK)
        goto fail;
    for (i = 0; i < doc->n_feeds; i++) {
        const struct opml_feed *f = &doc->feeds[i];
        char slugs[OPML_MAX_TOPICS][OPML_SLUG_BYTES];
        const char *topics[OPML_MAX_TOPICS];
        size_t k, n = 0;
        int64_t id = 0;

        for (k = 0; k < f->n_topics && n < OPML_MAX_TOPICS; k++) {
            slugify(f->topics[k], slugs[n]);
            if (slugs[n][0] != '\0') {
                topics[n] = slugs[n];
                n++;
            }
        }
        st = cmd_source_add_url(ctx, f->xml_url, f->title, 0, topics, n, &id,
                                &err);
        if (st == SYN_EEXIST) {
            known++;
            continue;
        }
        if (st != SYN_OK)
            goto fail;
        added++;
    }
    if (store_commit(ctx->store, &err) != SYN_OK)
        goto fail;
    fprintf(env->out, "opml: %zu sources added, %zu already known\n", added,
            known);
    rc = CMD_OK;
    goto out;
fail:
    SYN_IGNORE(store_rollback(ctx->store, NULL));
    rc = cmd_fail(env, "opml", "%s: %s (nothing imported)", path, err.msg);
out:
    opml_free(doc);
    buf_fini(&in);
    return rc;
}

static int
opml_export_all(const struct cmd_env *env, struct syn_ctx *ctx)
{
    struct store_source_list *list = NULL;
    struct opml_feed *feeds = NULL;
    const char **topic_store = NULL;
    struct syn_err err;
    struct buf out;
    size_t i;
    int rc = CMD_RUNTIME;

    buf_init(&out, 64u * 1024 * 1024);
    syn_err_clear(&err);
    if (store_source_list(ctx->store, &list, &err) != SYN_OK)
        goto fail;
    feeds = syn_calloc(list->n + 1, sizeof(*feeds));
    topic_store = syn_calloc(list->n + 1, sizeof(*topic_store));
    if (feeds == NULL || topic_store == NULL) {
        syn_err_set(&err, SYN_ENOMEM, "out of memory");
        goto fail;
    }
    for (i = 0; i < list->n; i++) {
        feeds[i].xml_url = list->v[i].url;
        feeds[i].html_url = list->v[i].site_url;
        feeds[i].title = list->v[i].title;
        /* The store keeps topics comma-separated; OPML wants a category
         * attribute, which is comma-separated too (OPML 2.0). */
        if (list->v[i].topics != NULL && list->v[i].topics[0] != '\0') {
            topic_store[i] = list->v[i].topics;
            feeds[i].topics = &topic_store[i];
            feeds[i].n_topics = 1;
        }
    }
    if (opml_export(feeds, list->n, ctx->cfg.site_title, &out, &err) !=
        SYN_OK)
        goto fail;
    if (fwrite(buf_cstr(&out), 1, out.len, env->out) != out.len) {
        syn_err_set(&err, SYN_EIO, "writing: %s", strerror(errno));
        goto fail;
    }
    rc = CMD_OK;
    goto out;
fail:
    rc = cmd_fail(env, "opml", "%s", err.msg);
out:
    syn_free(feeds);
    syn_free(topic_store);
    store_source_list_free(list);
    buf_fini(&out);
    return rc;
}

int
cmd_opml(const struct cmd_env *env, int argc, char **argv)
{
    struct syn_ctx ctx;
    int rc;

    if (argc == 3 && strcmp(argv[1], "import") == 0) {
        ;
    } else if (argc == 2 && strcmp(argv[1], "export") == 0) {
        ;
    } else
        return cmd_usage_error(env, "opml", "import FILE or export");
    rc = cmd_open_ctx(env, "opml", CTX_STORE, &ctx);
    if (rc != CMD_OK)
        return rc;
    if (argc == 3) {
        rc = opml_import(env, &ctx, argv[2]);
    } else {
        rc = opml_export_all(env, &ctx);
    }
    ctx_close(&ctx);
    return rc;
}
