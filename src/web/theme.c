/* Theme loading (see theme.h). */
#include "web/theme.h"

#include <string.h>

#include "util/embed.h"
#include "util/fileset.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"

/* Largest static asset: CSS, a bit of JS, icons. */
#define THEME_MAX_ASSET_BYTES (1024u * 1024)
#define THEME_MAX_FILES 256

const char *
web_mime_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".css", "text/css; charset=utf-8"},
        {".js", "application/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".jpg", "image/jpeg"},
        {".webp", "image/webp"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".html", "text/html; charset=utf-8"},
        {".xml", "application/xml; charset=utf-8"},
        {".json", "application/json"},
    };
    size_t i, n = strlen(name);

    for (i = 0; i < SYN_ARRAY_LEN(types); i++) {
        size_t e = strlen(types[i].ext);

        if (n > e && str_casecmp(name + n - e, types[i].ext) == 0)
            return types[i].type;
    }
    return "application/octet-stream";
}

void
web_theme_free(struct web_theme *t)
{
    size_t i;

    if (t == NULL)
        return;
    tpl_set_free(t->tpl);
    for (i = 0; i < t->n_assets; i++) {
        syn_free(t->assets[i].path);
        syn_free(t->assets[i].data);
    }
    syn_free(t->assets);
    syn_free(t);
}

enum syn_status
web_theme_load(const char *dir, const char *const *required,
               struct web_theme **out, struct syn_err *err)
{
    struct fileset f;
    struct web_theme *t = NULL;
    enum syn_status st;
    size_t i;

    fileset_init(&f, THEME_MAX_FILES);
    st = fileset_put_embedded(&f, syn_theme_default, "", err);
    if (st == SYN_OK && dir != NULL) {
        st = fileset_read_dir(&f, dir, "templates", SYN_MAX_TPL_BYTES, err);
    }
    if (st == SYN_OK && dir != NULL) {
        st = fileset_read_dir(&f, dir, "static", THEME_MAX_ASSET_BYTES, err);
    }
    if (st != SYN_OK)
        goto out;
    t = syn_calloc(1, sizeof(*t));
    if (t == NULL || (t->tpl = tpl_set_new()) == NULL ||
        (t->assets = syn_calloc(f.n + 1, sizeof(*t->assets))) == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto out;
    }
    for (i = 0; i < f.n && st == SYN_OK; i++) {
        struct fileset_file *file = &f.v[i];

        if (strncmp(file->name, "templates/", 10) == 0) {
            st = tpl_set_add(t->tpl, file->name + 10, file->data, file->len,
                             err);
        } else if (strncmp(file->name, "static/", 7) == 0) {
            struct web_asset *a = &t->assets[t->n_assets];

            a->path = syn_strdup(file->name + 7);
            if (a->path == NULL) {
                st = syn_err_set(err, SYN_ENOMEM, "out of memory");
                break;
            }
            a->data = file->data;
            a->len = file->len;
            a->ctype = web_mime_type(a->path);
            file->data = NULL;
            t->n_assets++;
        }
    }
    if (st == SYN_OK) {
        st = tpl_set_link(t->tpl, err);
    }
    for (i = 0; st == SYN_OK && required != NULL && required[i] != NULL; i++) {
        if (!tpl_set_has(t->tpl, required[i])) {
            st = syn_err_set(err, SYN_ENOTFOUND,
                             "theme: template '%s' is "
                             "missing",
                             required[i]);
        }
    }
out:
    fileset_fini(&f);
    if (st != SYN_OK) {
        web_theme_free(t);
        return st;
    }
    *out = t;
    return SYN_OK;
}

const struct web_asset *
web_theme_asset(const struct web_theme *t, const char *path)
{
    size_t i;

    for (i = 0; i < t->n_assets; i++) {
        if (strcmp(t->assets[i].path, path) == 0)
            return &t->assets[i];
    }
    return NULL;
}
