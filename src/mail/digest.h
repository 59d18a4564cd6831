/* Composing the mails syndic sends: digests of new stories, the double
 * opt-in confirmation, and plain notices (inquiry acknowledgements, team
 * notifications). Pure functions: data in, bodies or whole RFC 5322
 * messages out (see mail/mime.h); no store, no network.
 *
 * Bodies: every body is rendered from a view struct by digest_render*()
 * through the theme's mail templates (mail/theme.h: digest, confirm and
 * notice, each as .txt and .html): the view becomes a util/tpl.h tree,
 * `<name>.txt` is rendered with TPL_ESCAPE_TEXT ({{x}} is not
 * HTML-escaped; controls dropped) and `<name>.html` HTML-escaped (only a
 * story's stored, sanitized excerpt_html goes in raw, as {{{excerpt_html}}}).
 * Line lengths are mime.h's business: bodies are quoted-printable.
 *
 * Template fields. Every template: site_title, site_url, heading,
 * recipient_name (absent when unknown). digest: intro, preferences_url,
 * unsubscribe_url, stories[] of {title, article_url, source_url,
 * source_name, date ("29 Nov 2026"), byline (source_name or date set),
 * excerpt_html, excerpt_text}. confirm: confirm_url, valid_days. notice:
 * body (plain text), paragraphs[] of {lines[] of {text, br}} (br: not
 * the first line), link_url, link_label. Empty values are absent.
 *
 * Links: each digest carries a signed preferences link and a signed
 * one-click unsubscribe link (util/token.h, subject = the subscriber id in
 * decimal), in the body and in List-Unsubscribe (RFC 2369, RFC 8058).
 * Every story shows its excerpt, the link to its page on this site and
 * "Continue reading on the source site".
 *
 * Thread rules: safe from any thread. */
#ifndef SYNDIC_MAIL_DIGEST_H
#define SYNDIC_MAIL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"

struct tpl_set;

/* How long signed links stay valid. A confirmation is asked for now; a
 * digest may be read months later, and an unsubscribe link must keep
 * working long after (RFC 8058 clients store it). */
#define DIGEST_CONFIRM_TTL_S (7 * 86400)
#define DIGEST_PREFERENCES_TTL_S (90 * 86400)
#define DIGEST_UNSUBSCRIBE_TTL_S (400 * 86400)

/* One story in a digest. Strings borrowed, UTF-8. */
struct digest_story {
    const char *title;        /* plain text */
    const char *article_url;  /* its page on this site */
    const char *source_url;   /* the original article */
    const char *source_name;  /* plain text, may be NULL */
    const char *excerpt_html; /* sanitized HTML, may be NULL */
    const char *excerpt_text; /* plain text, may be NULL */
    int64_t published;        /* unix s, 0 = unknown */
};

/* Who sends, and with which key links are signed. Borrowed. */
struct mail_identity {
    const char *site_title; /* "[site] title" */
    const char *base_url;   /* "[site] base_url", no trailing slash */
    const char *from;       /* "[mail] from": "Name <addr>" or "addr" */
    const char *reply_to;   /* "[mail] reply_to", may be NULL */
    const unsigned char *key; /* token key (settings "hmac_key") */
    size_t key_len;
    const struct tpl_set *templates; /* mail_theme_load(); required to
                                        compose */
};

/* The subscriber a mail goes to. Borrowed. */
struct mail_recipient {
    int64_t id;        /* subscriber id: the token subject; 0 = none */
    const char *email; /* address */
    const char *name;  /* display name from a form, may be NULL */
};

/* ---- bodies ---- */

struct digest_view {
    const char *site_title;
    const char *site_url;
    const char *heading;         /* "Your daily digest" */
    const char *intro;           /* one line under the heading */
    const char *recipient_name;  /* may be NULL */
    const struct digest_story *stories;
    size_t n_stories;
    const char *preferences_url;
    const char *unsubscribe_url;
};

struct confirm_view {
    const char *site_title;
    const char *site_url;
    const char *recipient_name; /* may be NULL */
    const char *confirm_url;
    int valid_days;
};

struct notice_view {
    const char *site_title;
    const char *site_url;
    const char *heading;
    const char *body; /* plain text; blank lines separate paragraphs */
    const char *link_url;   /* may be NULL */
    const char *link_label; /* may be NULL */
    const char *reply_to;   /* address replies go to; NULL: the site's */
};

/* Append the plain-text and HTML bodies rendered from tpl (a set from
 * mail_theme_load()) to text and html. SYN_EINVAL for a missing field or
 * no tpl; buf errors (SYN_ETOOBIG), SYN_ENOMEM. On failure both bufs are
 * unchanged. */
enum syn_status digest_render(const struct tpl_set *tpl,
                              const struct digest_view *v, struct buf *text,
                              struct buf *html,
                              struct syn_err *err) SYN_NODISCARD;
enum syn_status digest_render_confirm(const struct tpl_set *tpl,
                                      const struct confirm_view *v,
                                      struct buf *text, struct buf *html,
                                      struct syn_err *err) SYN_NODISCARD;
enum syn_status digest_render_notice(const struct tpl_set *tpl,
                                     const struct notice_view *v,
                                     struct buf *text, struct buf *html,
                                     struct syn_err *err) SYN_NODISCARD;

/* ---- rendering once for many recipients ---- */

/* A digest_cache keeps the bodies of recent digests rendered with
 * stand-ins for the three fields that differ between recipients of the
 * same stories (recipient_name, preferences_url, unsubscribe_url). A
 * digest with the same heading, intro, stories (by article_url) and
 * name-or-no-name gets those bodies with its own values spliced in,
 * escaped as {{field}} escapes them in each part (a template that prints
 * one of the three raw, {{{field}}}, gets it escaped here). Rendering was
 * a tenth of `digest send`; subscribers share a few topic sets.
 * Rules: one identity and template set per cache; the stories' strings
 * must not change while cached (digest_cache_reset() after reloading
 * them); one thread. */
struct digest_cache;

/* NULL on ENOMEM. Free with digest_cache_free() (NULL is a no-op). */
struct digest_cache *digest_cache_new(void) SYN_NODISCARD;
void digest_cache_free(struct digest_cache *c);
/* Forget every cached body. */
void digest_cache_reset(struct digest_cache *c);

/* digest_render() through c (NULL: digest_render() itself). Same output,
 * same errors. */
enum syn_status digest_render_cached(struct digest_cache *c,
                                     const struct tpl_set *tpl,
                                     const struct digest_view *v,
                                     struct buf *text, struct buf *html,
                                     struct syn_err *err) SYN_NODISCARD;

/* ---- whole messages ---- */

/* The digest of frequency_name ("daily", "weekly", "instant") with
 * stories[0..n) for r at time now: signed links, both bodies, headers
 * (List-Id, List-Unsubscribe, List-Unsubscribe-Post). Appended to out.
 * SYN_EINVAL for n == 0 (never an empty digest) or bad fields. */
enum syn_status digest_compose(const struct mail_identity *id,
                               const struct mail_recipient *r,
                               const char *frequency_name,
                               const struct digest_story *stories, size_t n,
                               int64_t now, struct buf *out,
                               struct syn_err *err) SYN_NODISCARD;

/* digest_compose() with its bodies through cache c (may be NULL). */
enum syn_status digest_compose_cached(struct digest_cache *c,
                                      const struct mail_identity *id,
                                      const struct mail_recipient *r,
                                      const char *frequency_name,
                                      const struct digest_story *stories,
                                      size_t n, int64_t now, struct buf *out,
                                      struct syn_err *err) SYN_NODISCARD;

/* "Please confirm your subscription" with the signed confirm link. */
enum syn_status digest_compose_confirm(const struct mail_identity *id,
                                       const struct mail_recipient *r,
                                       int64_t now, struct buf *out,
                                       struct syn_err *err) SYN_NODISCARD;

/* To an address that asked to subscribe but already is: "You are already
 * subscribed", with the signed preferences and unsubscribe links (the
 * subscribe form does not tell visitors whether an address is known). */
enum syn_status digest_compose_already(const struct mail_identity *id,
                                       const struct mail_recipient *r,
                                       int64_t now, struct buf *out,
                                       struct syn_err *err) SYN_NODISCARD;

/* A notice (acknowledgement of an inquiry, team notification) to
 * r->email with subject and v's body; Auto-Submitted: auto-generated. */
enum syn_status digest_compose_notice(const struct mail_identity *id,
                                      const struct mail_recipient *r,
                                      const char *subject,
                                      const struct notice_view *v,
                                      int64_t now, struct buf *out,
                                      struct syn_err *err) SYN_NODISCARD;

/* Append base_url + path + "?t=" + a token for (purpose, r->id, now + ttl)
 * to out. Used for every signed link. */
enum syn_status digest_signed_link(const struct mail_identity *id,
                                   const char *path, int purpose,
                                   int64_t subscriber_id, int64_t expires,
                                   struct buf *out,
                                   struct syn_err *err) SYN_NODISCARD;

#endif
