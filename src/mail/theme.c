/* Loading the mail templates (see theme.h). */
#include "mail/theme.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/embed.h"
#include "util/limits.h"
#include "util/mem.h"

/* What mail/digest.c renders: all must exist after the overrides. */
static const char *const required[] = {
    "digest.txt", "digest.html", "confirm.txt",
    "confirm.html", "notice.txt", "notice.html",
};

/* A mail theme is a dozen small files; a folder with far more is not one. */
#define MAIL_THEME_MAX_FILES 64

struct mfile {
    char name[256]; /* file name in mail/ */
    char *data;     /* owned, NUL-terminated */
    size_t len;
    char origin[512]; /* for errors: the path it came from */
};

struct mfiles {
    struct mfile v[MAIL_THEME_MAX_FILES];
    size_t n;
};

static void
mfiles_fini(struct mfiles *f)
{
    size_t i;

    for (i = 0; i < f->n; i++) {
        syn_free(f->v[i].data);
    }
    f->n = 0;
}

/* Add or replace name (data is taken, also on failure). */
static enum syn_status
mfiles_put(struct mfiles *f, const char *name, const char *origin, char *data,
           size_t len, struct syn_err *err)
{
    struct mfile *m = NULL;
    size_t i;

    for (i = 0; i < f->n && m == NULL; i++) {
        if (strcmp(f->v[i].name, name) == 0) {
            m = &f->v[i];
        }
    }
    if (m == NULL && f->n == MAIL_THEME_MAX_FILES) {
        syn_free(data);
        return syn_err_set(err, SYN_ETOOBIG, "mail theme: more than %d files",
                           MAIL_THEME_MAX_FILES);
    }
    if (m == NULL) {
        m = &f->v[f->n++];
        snprintf(m->name, sizeof(m->name), "%s", name);
    }
    syn_free(m->data);
    m->data = data;
    m->len = len;
    snprintf(m->origin, sizeof(m->origin), "%s", origin);
    return SYN_OK;
}

static enum syn_status
read_whole(const char *path, char **out, size_t *out_len, struct syn_err *err)
{
    FILE *fp = fopen(path, "rb");
    char chunk[8192];
    struct buf b;
    size_t n;
    enum syn_status st = SYN_OK;

    if (fp == NULL)
        return syn_err_set(err, SYN_EIO, "%s: %s", path, strerror(errno));
    buf_init(&b, SYN_MAX_TPL_BYTES);
    while (st == SYN_OK && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        st = buf_append(&b, chunk, n);
    }
    if (st == SYN_OK && ferror(fp)) {
        st = SYN_EIO;
    }
    fclose(fp);
    if (st == SYN_OK) {
        st = buf_append(&b, "", 0); /* a buffer even for an empty file */
    }
    if (st != SYN_OK) {
        buf_fini(&b);
        return syn_err_set(err, st, "%s: %s", path,
                           st == SYN_ETOOBIG ? "file too large"
                                             : syn_strerror(st));
    }
    *out_len = b.len;
    *out = buf_take(&b);
    return *out != NULL ? SYN_OK
                        : syn_err_set(err, SYN_ENOMEM, "out of memory");
}

/* Every regular file of dir/mail (no sub-folders, no dot files). */
static enum syn_status
read_overrides(const char *dir, struct mfiles *f, struct syn_err *err)
{
    char path[4096];
    DIR *d;
    struct dirent *de;
    enum syn_status st = SYN_OK;

    if (snprintf(path, sizeof(path), "%s/mail", dir) >= (int)sizeof(path))
        return syn_err_set(err, SYN_ETOOBIG, "mail theme: path too long");
    d = opendir(path);
    if (d == NULL)
        return errno == ENOENT
                   ? SYN_OK /* a theme without mail templates */
                   : syn_err_set(err, SYN_EIO, "%s: %s", path, strerror(errno));
    while (st == SYN_OK && (de = readdir(d)) != NULL) {
        char file[4096 + 256];
        struct stat sb;
        char *data = NULL;
        size_t len = 0;

        if (de->d_name[0] == '.' || strlen(de->d_name) >= 256 ||
            snprintf(file, sizeof(file), "%s/%s", path, de->d_name) >=
                (int)sizeof(file))
            continue;
        if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        st = read_whole(file, &data, &len, err);
        if (st == SYN_OK) {
            st = mfiles_put(f, de->d_name, file, data, len, err);
        }
    }
    closedir(d);
    return st;
}

enum syn_status
mail_theme_load(const char *dir, struct tpl_set **out, struct syn_err *err)
{
    struct mfiles *f = syn_calloc(1, sizeof(*f));
    struct tpl_set *set = NULL;
    const struct syn_embedded *e;
    enum syn_status st = SYN_OK;
    size_t i;

    if (f == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    for (e = syn_theme_default; st == SYN_OK && e->name != NULL; e++) {
        char *copy;

        if (strncmp(e->name, "mail/", 5) != 0)
            continue;
        copy = syn_strndup(e->data, e->len);
        st = copy == NULL ? syn_err_set(err, SYN_ENOMEM, "out of memory")
                          : mfiles_put(f, e->name + 5, e->name, copy, e->len,
                                       err);
    }
    if (st == SYN_OK && dir != NULL && dir[0] != '\0') {
        st = read_overrides(dir, f, err);
    }
    if (st == SYN_OK && (set = tpl_set_new()) == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
    for (i = 0; st == SYN_OK && i < f->n; i++) {
        st = tpl_set_add(set, f->v[i].name, f->v[i].data, f->v[i].len, err);
        /* tpl says "digest.html:3: what": name the file it came from. */
        if (st != SYN_OK && st != SYN_ENOMEM && err != NULL) {
            char msg[SYN_ERR_MSG_LEN];
            size_t n = strlen(f->v[i].name), o = strlen(f->v[i].origin);

            snprintf(msg, sizeof(msg), "%s", err->msg);
            st = syn_err_set(err, st, "%.*s%s", (int)(o >= n ? o - n : 0),
                             f->v[i].origin, msg);
        }
    }
    if (st == SYN_OK) {
        st = tpl_set_link(set, err);
        if (st != SYN_OK && st != SYN_ENOMEM && err != NULL) {
            char msg[SYN_ERR_MSG_LEN];

            snprintf(msg, sizeof(msg), "%s", err->msg);
            st = syn_err_set(err, st, "mail theme: %s", msg);
        }
    }
    for (i = 0; st == SYN_OK && i < SYN_ARRAY_LEN(required); i++) {
        if (!tpl_set_has(set, required[i])) {
            st = syn_err_set(err, SYN_ENOTFOUND,
                             "mail theme: template '%s' is missing",
                             required[i]);
        }
    }
    mfiles_fini(f);
    syn_free(f);
    if (st != SYN_OK) {
        tpl_set_free(set);
        return st;
    }
    *out = set;
    return SYN_OK;
}
