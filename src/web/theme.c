/* Theme loading (see theme.h). */
#include "web/theme.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/embed.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"

/* Largest static asset: CSS, a bit of JS, icons. */
#define THEME_MAX_ASSET_BYTES (1024u * 1024)
#define THEME_MAX_FILES 256

struct file {
    char *rel; /* "templates/x.html", "static/site.css" */
    char *data;
    size_t len;
};

struct files {
    struct file items[THEME_MAX_FILES];
    size_t n;
};

static void
files_fini(struct files *f)
{
    size_t i;

    for (i = 0; i < f->n; i++) {
        syn_free(f->items[i].rel);
        syn_free(f->items[i].data);
    }
    f->n = 0;
}

/* Add or replace the file rel (data is taken). */
static enum syn_status
files_put(struct files *f, const char *rel, char *data, size_t len,
          struct syn_err *err)
{
    size_t i;
    char *r;

    for (i = 0; i < f->n; i++) {
        if (strcmp(f->items[i].rel, rel) == 0) {
            syn_free(f->items[i].data);
            f->items[i].data = data;
            f->items[i].len = len;
            return SYN_OK;
        }
    }
    if (f->n == THEME_MAX_FILES) {
        syn_free(data);
        return syn_err_set(err, SYN_ETOOBIG, "theme: more than %d files",
                           THEME_MAX_FILES);
    }
    r = syn_strdup(rel);
    if (r == NULL) {
        syn_free(data);
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
    f->items[f->n].rel = r;
    f->items[f->n].data = data;
    f->items[f->n].len = len;
    f->n++;
    return SYN_OK;
}

static enum syn_status
read_file(const char *path, size_t max, char **out, size_t *out_len,
          struct syn_err *err)
{
    FILE *fp = fopen(path, "rb");
    struct buf b;
    char chunk[8192];
    size_t n;
    enum syn_status st = SYN_OK;

    if (fp == NULL)
        return syn_err_set(err, SYN_EIO, "%s: %s", path, strerror(errno));
    buf_init(&b, max);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && st == SYN_OK) {
        st = buf_append(&b, chunk, n);
    }
    if (st == SYN_OK && ferror(fp)) {
        st = SYN_EIO;
    }
    fclose(fp);
    if (st == SYN_OK) {
        st = buf_append(&b, "", 0);
    }
    if (st != SYN_OK) {
        buf_fini(&b);
        return syn_err_set(err, st, "%s: %s", path,
                           st == SYN_ETOOBIG ? "file too large"
                                             : syn_strerror(st));
    }
    *out_len = b.len;
    *out = buf_take(&b);
    if (*out == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    return SYN_OK;
}

/* Read every regular file of dir/sub (one level) as "sub/name". */
static enum syn_status
read_dir(const char *dir, const char *sub, struct files *f, struct syn_err *err)
{
    char path[4096], rel[512];
    DIR *d;
    struct dirent *de;
    enum syn_status st = SYN_OK;

    if (snprintf(path, sizeof(path), "%s/%s", dir, sub) >= (int)sizeof(path))
        return syn_err_set(err, SYN_ETOOBIG, "theme path too long");
    d = opendir(path);
    if (d == NULL)
        return errno == ENOENT
                   ? SYN_OK
                   : syn_err_set(err, SYN_EIO, "%s: %s", path, strerror(errno));
    while (st == SYN_OK && (de = readdir(d)) != NULL) {
        char file[4096];
        struct stat sb;
        char *data = NULL;
        size_t len = 0;

        if (de->d_name[0] == '.')
            continue;
        if (snprintf(file, sizeof(file), "%s/%s", path, de->d_name) >=
                (int)sizeof(file) ||
            snprintf(rel, sizeof(rel), "%s/%s", sub, de->d_name) >=
                (int)sizeof(rel))
            continue;
        if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        st = read_file(file,
                       strcmp(sub, "templates") == 0 ? SYN_MAX_TPL_BYTES
                                                     : THEME_MAX_ASSET_BYTES,
                       &data, &len, err);
        if (st == SYN_OK) {
            st = files_put(f, rel, data, len, err);
        }
    }
    closedir(d);
    return st;
}

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
    struct files *f = syn_calloc(1, sizeof(*f));
    struct web_theme *t = NULL;
    const struct syn_embedded *e;
    enum syn_status st = SYN_OK;
    size_t i;

    if (f == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    for (e = syn_theme_default; e->name != NULL && st == SYN_OK; e++) {
        char *copy = syn_strndup(e->data, e->len);

        if (copy == NULL) {
            st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        } else {
            st = files_put(f, e->name, copy, e->len, err);
        }
    }
    if (st == SYN_OK && dir != NULL) {
        st = read_dir(dir, "templates", f, err);
    }
    if (st == SYN_OK && dir != NULL) {
        st = read_dir(dir, "static", f, err);
    }
    if (st != SYN_OK)
        goto out;
    t = syn_calloc(1, sizeof(*t));
    if (t == NULL || (t->tpl = tpl_set_new()) == NULL ||
        (t->assets = syn_calloc(f->n + 1, sizeof(*t->assets))) == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto out;
    }
    for (i = 0; i < f->n && st == SYN_OK; i++) {
        struct file *file = &f->items[i];

        if (strncmp(file->rel, "templates/", 10) == 0) {
            st =
                tpl_set_add(t->tpl, file->rel + 10, file->data, file->len, err);
        } else if (strncmp(file->rel, "static/", 7) == 0) {
            struct web_asset *a = &t->assets[t->n_assets];

            a->path = syn_strdup(file->rel + 7);
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
    files_fini(f);
    syn_free(f);
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
