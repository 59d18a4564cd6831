/* Theme file sets (see fileset.h). */
#include "util/fileset.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/mem.h"

void
fileset_init(struct fileset *f, size_t max)
{
    f->v = NULL;
    f->n = 0;
    f->max = max;
}

void
fileset_fini(struct fileset *f)
{
    size_t i;

    for (i = 0; i < f->n; i++) {
        syn_free(f->v[i].name);
        syn_free(f->v[i].path);
        syn_free(f->v[i].data);
    }
    syn_free(f->v);
    f->v = NULL;
    f->n = 0;
}

/* Add or replace name; data is taken, also on failure. */
static enum syn_status
put(struct fileset *f, const char *name, const char *path, char *data,
    size_t len, struct syn_err *err)
{
    struct fileset_file *m = NULL;
    char *p = NULL;
    size_t i;

    for (i = 0; i < f->n && m == NULL; i++) {
        if (strcmp(f->v[i].name, name) == 0) {
            m = &f->v[i];
        }
    }
    if (m == NULL && f->n == f->max) {
        syn_free(data);
        return syn_err_set(err, SYN_ETOOBIG, "theme: more than %zu files",
                           f->max);
    }
    if (f->v == NULL && (f->v = syn_calloc(f->max, sizeof(*f->v))) == NULL)
        goto oom;
    if (path != NULL && (p = syn_strdup(path)) == NULL)
        goto oom;
    if (m == NULL) {
        m = &f->v[f->n];
        if ((m->name = syn_strdup(name)) == NULL)
            goto oom;
        f->n++;
    }
    syn_free(m->path);
    syn_free(m->data);
    m->path = p;
    m->data = data;
    m->len = len;
    return SYN_OK;
oom:
    syn_free(p);
    syn_free(data);
    return syn_err_set(err, SYN_ENOMEM, "out of memory");
}

enum syn_status
fileset_put_embedded(struct fileset *f, const struct syn_embedded *table,
                     const char *prefix, struct syn_err *err)
{
    size_t pl = strlen(prefix);
    const struct syn_embedded *e;
    enum syn_status st = SYN_OK;

    for (e = table; st == SYN_OK && e->name != NULL; e++) {
        char *copy;

        if (strncmp(e->name, prefix, pl) != 0)
            continue;
        copy = syn_strndup(e->data, e->len);
        st = copy == NULL ? syn_err_set(err, SYN_ENOMEM, "out of memory")
                          : put(f, e->name, NULL, copy, e->len, err);
    }
    return st;
}

static enum syn_status
read_whole(const char *path, size_t max, char **out, size_t *out_len,
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

enum syn_status
fileset_read_dir(struct fileset *f, const char *dir, const char *sub,
                 size_t max_bytes, struct syn_err *err)
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
        char file[4096 + 256];
        struct stat sb;
        char *data = NULL;
        size_t len = 0;

        if (de->d_name[0] == '.' ||
            snprintf(file, sizeof(file), "%s/%s", path, de->d_name) >=
                (int)sizeof(file) ||
            snprintf(rel, sizeof(rel), "%s/%s", sub, de->d_name) >=
                (int)sizeof(rel))
            continue;
        if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        st = read_whole(file, max_bytes, &data, &len, err);
        if (st == SYN_OK) {
            st = put(f, rel, file, data, len, err);
        }
    }
    closedir(d);
    return st;
}
