/* The mail templates of the theme: digest.{txt,html}, confirm.{txt,html}
 * and notice.{txt,html} (with their partials, e.g. _head.html), compiled
 * once into a util/tpl.h set.
 *
 * The default templates are compiled into the binary (themes/default/mail/
 * embedded as "mail/<name>" in syn_theme_default[]). A theme directory
 * (the [server] theme_dir or `serve --theme`, the same folder that
 * overrides the page templates) overrides any of them by a file of the
 * same name in <dir>/mail/; files it lacks come from the default. Every
 * template is compiled and every partial resolved at load, so a broken
 * mail template stops `serve` and `digest` at start-up with
 * "<file>:<line>: what" rather than failing mail by mail.
 *
 * .txt templates are rendered with TPL_ESCAPE_TEXT (no HTML escaping),
 * .html ones with HTML escaping (see mail/digest.h).
 * Thread rules: a loaded set is read-only and may be shared. */
#ifndef SYNDIC_MAIL_THEME_H
#define SYNDIC_MAIL_THEME_H

#include "util/compiler.h"
#include "util/err.h"
#include "util/tpl.h"

/* Load the default mail templates, overridden by dir/mail/ when dir is
 * not NULL, and check that every template mail/ renders is there. Caller
 * frees *out with tpl_set_free(). Errors: SYN_EPARSE, SYN_ENOTFOUND and
 * SYN_ETOOBIG naming the file and line, SYN_EIO, SYN_ENOMEM. */
enum syn_status mail_theme_load(const char *dir,
                                struct tpl_set **out /* out */,
                                struct syn_err *err) SYN_NODISCARD;

#endif
