/* Loading the mail templates (see theme.h). */
#include "mail/theme.h"

#include <stdio.h>
#include <string.h>

#include "util/embed.h"
#include "util/fileset.h"
#include "util/limits.h"
#include "util/mem.h"

/* What mail/digest.c renders: all must exist after the overrides. */
static const char *const required[] = {
    "digest.txt", "digest.html", "confirm.txt",
    "confirm.html", "notice.txt", "notice.html",
};

/* A mail theme is a dozen small files; a folder with far more is not one. */
#define MAIL_THEME_MAX_FILES 64

enum syn_status
mail_theme_load(const char *dir, struct tpl_set **out, struct syn_err *err)
{
    struct fileset f;
    struct tpl_set *set = NULL;
    enum syn_status st;
    size_t i;

    fileset_init(&f, MAIL_THEME_MAX_FILES);
    st = fileset_put_embedded(&f, syn_theme_default, "mail/", err);
    if (st == SYN_OK && dir != NULL && dir[0] != '\0') {
        st = fileset_read_dir(&f, dir, "mail", SYN_MAX_TPL_BYTES, err);
    }
    if (st == SYN_OK && (set = tpl_set_new()) == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
    for (i = 0; st == SYN_OK && i < f.n; i++) {
        const struct fileset_file *m = &f.v[i];
        const char *name = m->name + 5; /* past "mail/" */
        const char *origin = m->path != NULL ? m->path : m->name;

        st = tpl_set_add(set, name, m->data, m->len, err);
        /* tpl says "digest.html:3: what": name the file it came from. */
        if (st != SYN_OK && st != SYN_ENOMEM && err != NULL) {
            char msg[SYN_ERR_MSG_LEN];
            size_t n = strlen(name), o = strlen(origin);

            snprintf(msg, sizeof(msg), "%s", err->msg);
            st = syn_err_set(err, st, "%.*s%s", (int)(o >= n ? o - n : 0),
                             origin, msg);
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
    fileset_fini(&f);
    if (st != SYN_OK) {
        tpl_set_free(set);
        return st;
    }
    *out = set;
    return SYN_OK;
}
