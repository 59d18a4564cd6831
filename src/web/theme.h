/* The site's theme: templates (compiled once) and static assets.
 *
 * The default theme is compiled into the binary (themes/default/ embedded
 * as syn_theme_default[]): templates/<name> become templates called
 * <name>, static/<path> is served at /static/<path>. A theme directory
 * given in the configuration overrides any of those files by the same
 * relative path; files it lacks come from the default. Every template is
 * compiled and every partial resolved at load, so a broken theme stops
 * start-up (or a SIGHUP reload) with "file:line: what".
 * Thread rules: a loaded theme is read-only and shared by all threads. */
#ifndef SYNDIC_WEB_THEME_H
#define SYNDIC_WEB_THEME_H

#include <stddef.h>

#include "util/compiler.h"
#include "util/err.h"
#include "util/tpl.h"

struct web_asset {
    char *path;        /* owned; relative to static/, e.g. "site.css" */
    char *data;        /* owned */
    size_t len;        /* bytes */
    const char *ctype; /* static string */
};

struct web_theme {
    struct tpl_set *tpl;      /* owned, linked */
    struct web_asset *assets; /* owned array */
    size_t n_assets;
};

/* Load the default theme, overridden by files under dir when dir is not
 * NULL. Checks that every template named in required[] (NULL-terminated,
 * may be NULL) exists. Caller frees *out with web_theme_free(). Errors:
 * SYN_EPARSE/SYN_ENOTFOUND with the file and line, SYN_EIO, SYN_ETOOBIG,
 * SYN_ENOMEM. */
enum syn_status web_theme_load(const char *dir, const char *const *required,
                               struct web_theme **out /* out */,
                               struct syn_err *err) SYN_NODISCARD;
void web_theme_free(struct web_theme *t);

/* The static asset at path (relative to static/), or NULL. */
const struct web_asset *web_theme_asset(const struct web_theme *t,
                                        const char *path);

/* Content-Type for a file name by its extension. */
const char *web_mime_type(const char *name);

#endif
