/* Mail composition (see digest.h). The first half renders bodies from
 * views (the seam that util/tpl.h and themes/default/mail/ will take
 * over); the second half signs links and builds whole messages. */
#include "mail/digest.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mail/mime.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/token.h"

/* ------------------------------------------------------------------ */
/* Rendering seam: mirrors the templates in themes/default/mail/.      */
/* Replace by tpl_render() of those templates once util/tpl.h lands.   */
/* ------------------------------------------------------------------ */

#define LINK_STYLE "color:#0b5394;"
#define MUTED "color:#777777;"

/* HTML-escape s (& < > " '), dropping C0 controls other than tab/LF.
 * Runs of plain bytes go in with one append. */
static enum syn_status
esc(struct buf *b, const char *s)
{
    enum syn_status st = SYN_OK;

    while (st == SYN_OK && s != NULL && *s != '\0') {
        size_t run = 0;

        while (s[run] != '\0' && strchr("&<>\"'", s[run]) == NULL &&
               ((unsigned char)s[run] >= 0x20 || s[run] == '\t' ||
                s[run] == '\n'))
            run++;
        if (run > 0) {
            st = buf_append(b, s, run);
            s += run;
            continue;
        }
        switch (*s) {
        case '&': st = buf_append_str(b, "&amp;"); break;
        case '<': st = buf_append_str(b, "&lt;"); break;
        case '>': st = buf_append_str(b, "&gt;"); break;
        case '"': st = buf_append_str(b, "&quot;"); break;
        case '\'': st = buf_append_str(b, "&#39;"); break;
        default: break; /* a control byte: dropped */
        }
        s++;
    }
    return st;
}

/* Text parts: controls other than LF and tab dropped. */
static enum syn_status
txt(struct buf *b, const char *s)
{
    enum syn_status st = SYN_OK;

    while (st == SYN_OK && s != NULL && *s != '\0') {
        size_t run = 0;

        while (s[run] != '\0' && ((unsigned char)s[run] >= 0x20 ||
                                  s[run] == '\t' || s[run] == '\n'))
            run++;
        if (run > 0)
            st = buf_append(b, s, run);
        s += run;
        if (*s != '\0')
            s++; /* a control byte: dropped */
    }
    return st;
}

static void
story_date(int64_t t, char out[32])
{
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;

    out[0] = '\0';
    if (t <= 0 || gmtime_r(&tt, &tm) == NULL || tm.tm_year > 9999 - 1900)
        return;
    snprintf(out, 32, "%d %s %d", tm.tm_mday % 32, months[tm.tm_mon % 12],
             (tm.tm_year + 1900) % 10000);
}

static enum syn_status
html_head(struct buf *h, const char *title, const char *site_url,
          const char *site_title)
{
    enum syn_status st = buf_append_str(
        h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width\">\n"
           "<title>");

    if (st == SYN_OK)
        st = esc(h, title);
    if (st == SYN_OK)
        st = buf_append_str(
            h, "</title></head>\n"
               "<body style=\"margin:0;padding:0;background:#f4f4f4;\">\n"
               "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" "
               "cellspacing=\"0\" style=\"background:#f4f4f4;\"><tr>"
               "<td align=\"center\" style=\"padding:16px;\">\n"
               "<table role=\"presentation\" width=\"600\" cellpadding=\"0\" "
               "cellspacing=\"0\" style=\"max-width:600px;width:100%;"
               "background:#ffffff;font-family:Arial,Helvetica,sans-serif;"
               "color:#222222;\">\n"
               "<tr><td style=\"padding:24px 24px 8px 24px;\">"
               "<a href=\"");
    if (st == SYN_OK)
        st = esc(h, site_url);
    if (st == SYN_OK)
        st = buf_append_str(h, "\" style=\"" LINK_STYLE
                               "text-decoration:none;font-size:14px;\">");
    if (st == SYN_OK)
        st = esc(h, site_title);
    if (st == SYN_OK)
        st = buf_append_str(h, "</a>\n<h1 style=\"margin:8px 0 0 0;"
                               "font-size:22px;line-height:28px;\">");
    if (st == SYN_OK)
        st = esc(h, title);
    if (st == SYN_OK)
        st = buf_append_str(h, "</h1>\n");
    return st;
}

static enum syn_status
html_tail(struct buf *h)
{
    return buf_append_str(h, "</table></td></tr></table>\n</body></html>\n");
}

/* An <a href> with escaped URL and label. */
static enum syn_status
html_link(struct buf *h, const char *url, const char *style, const char *label)
{
    enum syn_status st = buf_append_str(h, "<a href=\"");

    if (st == SYN_OK)
        st = esc(h, url);
    if (st == SYN_OK)
        st = buf_printf(h, "\" style=\"%s\">", style);
    if (st == SYN_OK)
        st = esc(h, label);
    if (st == SYN_OK)
        st = buf_append_str(h, "</a>");
    return st;
}

static enum syn_status
render_story(struct buf *t, struct buf *h, const struct digest_story *s)
{
    char date[32];
    enum syn_status st;

    story_date(s->published, date);
    /* text */
    st = buf_append_str(t, "* ");
    if (st == SYN_OK)
        st = txt(t, s->title);
    if (st == SYN_OK)
        st = buf_append_str(t, "\n");
    if (st == SYN_OK && (s->source_name != NULL || date[0] != '\0'))
        st = buf_printf(t, "  %s%s%s\n",
                        s->source_name != NULL ? s->source_name : "",
                        s->source_name != NULL && date[0] ? ", " : "", date);
    if (st == SYN_OK && s->excerpt_text != NULL && *s->excerpt_text) {
        st = buf_append_str(t, "\n  ");
        if (st == SYN_OK)
            st = txt(t, s->excerpt_text);
        if (st == SYN_OK)
            st = buf_append_str(t, "\n");
    }
    if (st == SYN_OK)
        st = buf_printf(t, "\n  Read it here: %s\n"
                           "  Continue reading on the source site: %s\n\n",
                        s->article_url, s->source_url);
    /* html */
    if (st == SYN_OK)
        st = buf_append_str(h, "<tr><td style=\"padding:16px 24px;"
                               "border-top:1px solid #e5e5e5;\">\n"
                               "<h2 style=\"margin:0;font-size:18px;"
                               "line-height:24px;\">");
    if (st == SYN_OK)
        st = html_link(h, s->article_url, LINK_STYLE "text-decoration:none;",
                       s->title);
    if (st == SYN_OK)
        st = buf_append_str(h, "</h2>\n<p style=\"margin:4px 0 0 0;"
                               "font-size:12px;" MUTED "\">");
    if (st == SYN_OK)
        st = esc(h, s->source_name);
    if (st == SYN_OK && s->source_name != NULL && date[0] != '\0')
        st = buf_append_str(h, " &middot; ");
    if (st == SYN_OK)
        st = buf_printf(h, "%s</p>\n", date);
    if (st == SYN_OK && s->excerpt_html != NULL && *s->excerpt_html) {
        /* Sanitized when stored (html/sanitize): inserted as it is. */
        st = buf_append_str(h, "<div style=\"margin:8px 0 0 0;"
                               "font-size:15px;line-height:22px;\">");
        if (st == SYN_OK)
            st = buf_append_str(h, s->excerpt_html);
        if (st == SYN_OK)
            st = buf_append_str(h, "</div>\n");
    } else if (st == SYN_OK && s->excerpt_text != NULL) {
        st = buf_append_str(h, "<p style=\"margin:8px 0 0 0;font-size:15px;"
                               "line-height:22px;\">");
        if (st == SYN_OK)
            st = esc(h, s->excerpt_text);
        if (st == SYN_OK)
            st = buf_append_str(h, "</p>\n");
    }
    if (st == SYN_OK)
        st = buf_append_str(h, "<p style=\"margin:8px 0 0 0;"
                               "font-size:14px;\">");
    if (st == SYN_OK)
        st = html_link(h, s->source_url, LINK_STYLE "font-weight:bold;",
                       "Continue reading on the source site");
    if (st == SYN_OK)
        st = buf_append_str(h, "</p>\n</td></tr>\n");
    return st;
}

/* Undo partial appends to two bufs on failure. */
static enum syn_status
finish(enum syn_status st, struct buf *t, size_t tlen, struct buf *h,
       size_t hlen, struct syn_err *err)
{
    if (st == SYN_OK)
        return SYN_OK;
    buf_truncate(t, tlen);
    buf_truncate(h, hlen);
    return syn_err_set(err, st, "render: %s", syn_strerror(st));
}

enum syn_status
digest_render(const struct digest_view *v, struct buf *t, struct buf *h,
              struct syn_err *err)
{
    size_t tlen = t->len, hlen = h->len, i;
    enum syn_status st;

    if (v->site_title == NULL || v->site_url == NULL || v->heading == NULL ||
        v->preferences_url == NULL || v->unsubscribe_url == NULL ||
        v->n_stories == 0)
        return syn_err_set(err, SYN_EINVAL, "digest view incomplete");
    for (i = 0; i < v->n_stories; i++) {
        if (v->stories[i].title == NULL || v->stories[i].article_url == NULL ||
            v->stories[i].source_url == NULL)
            return syn_err_set(err, SYN_EINVAL, "story %zu incomplete", i);
    }
    /* text */
    st = txt(t, v->site_title);
    if (st == SYN_OK)
        st = buf_append_str(t, " - ");
    if (st == SYN_OK)
        st = txt(t, v->heading);
    if (st == SYN_OK)
        st = buf_append_str(t, "\n");
    if (st == SYN_OK && v->recipient_name != NULL && *v->recipient_name) {
        st = buf_append_str(t, "\nHello ");
        if (st == SYN_OK)
            st = txt(t, v->recipient_name);
        if (st == SYN_OK)
            st = buf_append_str(t, ",\n");
    }
    if (st == SYN_OK && v->intro != NULL) {
        st = buf_append_str(t, "\n");
        if (st == SYN_OK)
            st = txt(t, v->intro);
        if (st == SYN_OK)
            st = buf_append_str(t, "\n");
    }
    if (st == SYN_OK)
        st = buf_append_str(t, "\n");
    /* html */
    if (st == SYN_OK)
        st = html_head(h, v->heading, v->site_url, v->site_title);
    if (st == SYN_OK && v->recipient_name != NULL && *v->recipient_name) {
        st = buf_append_str(h, "<p style=\"margin:8px 0 0 0;"
                               "font-size:15px;\">Hello ");
        if (st == SYN_OK)
            st = esc(h, v->recipient_name);
        if (st == SYN_OK)
            st = buf_append_str(h, ",</p>\n");
    }
    if (st == SYN_OK && v->intro != NULL) {
        st = buf_append_str(h, "<p style=\"margin:8px 0 0 0;font-size:14px;"
                               "color:#555555;\">");
        if (st == SYN_OK)
            st = esc(h, v->intro);
        if (st == SYN_OK)
            st = buf_append_str(h, "</p>\n");
    }
    if (st == SYN_OK)
        st = buf_append_str(h, "</td></tr>\n");
    for (i = 0; st == SYN_OK && i < v->n_stories; i++)
        st = render_story(t, h, &v->stories[i]);
    /* footer: preferences and unsubscribe in every digest */
    if (st == SYN_OK)
        st = buf_append_str(t, "-- \nYou receive this because you "
                               "subscribed to ");
    if (st == SYN_OK)
        st = txt(t, v->site_title);
    if (st == SYN_OK)
        st = buf_printf(t, ".\nManage your preferences: %s\n"
                           "Unsubscribe: %s\n",
                        v->preferences_url, v->unsubscribe_url);
    if (st == SYN_OK)
        st = buf_append_str(h, "<tr><td style=\"padding:16px 24px;"
                               "border-top:1px solid #e5e5e5;font-size:12px;"
                               MUTED "\">You receive this because you "
                               "subscribed to ");
    if (st == SYN_OK)
        st = esc(h, v->site_title);
    if (st == SYN_OK)
        st = buf_append_str(h, ".<br>\n");
    if (st == SYN_OK)
        st = html_link(h, v->preferences_url, MUTED,
                       "Manage your preferences");
    if (st == SYN_OK)
        st = buf_append_str(h, " &middot; ");
    if (st == SYN_OK)
        st = html_link(h, v->unsubscribe_url, MUTED, "Unsubscribe");
    if (st == SYN_OK)
        st = buf_append_str(h, "</td></tr>\n");
    if (st == SYN_OK)
        st = html_tail(h);
    return finish(st, t, tlen, h, hlen, err);
}

enum syn_status
digest_render_confirm(const struct confirm_view *v, struct buf *t,
                      struct buf *h, struct syn_err *err)
{
    size_t tlen = t->len, hlen = h->len;
    const char *name = v->recipient_name;
    enum syn_status st;

    if (v->site_title == NULL || v->site_url == NULL || v->confirm_url == NULL)
        return syn_err_set(err, SYN_EINVAL, "confirm view incomplete");
    st = buf_append_str(t, "Please confirm your subscription\n\n");
    if (st == SYN_OK && name != NULL && *name) {
        st = buf_append_str(t, "Hello ");
        if (st == SYN_OK)
            st = txt(t, name);
        if (st == SYN_OK)
            st = buf_append_str(t, ",\n\n");
    }
    if (st == SYN_OK)
        st = buf_append_str(t, "Someone, hopefully you, asked to join the "
                               "partner mailing list of ");
    if (st == SYN_OK)
        st = txt(t, v->site_title);
    if (st == SYN_OK)
        st = buf_printf(t,
                        ".\nTo confirm your subscription, open this link "
                        "(valid for %d days):\n\n%s\n\n"
                        "If you did not ask for this, ignore this message: "
                        "you will not\nreceive anything else from us.\n",
                        v->valid_days, v->confirm_url);
    if (st == SYN_OK)
        st = html_head(h, "Please confirm your subscription", v->site_url,
                       v->site_title);
    if (st == SYN_OK && name != NULL && *name) {
        st = buf_append_str(h, "<p style=\"font-size:15px;\">Hello ");
        if (st == SYN_OK)
            st = esc(h, name);
        if (st == SYN_OK)
            st = buf_append_str(h, ",</p>\n");
    }
    if (st == SYN_OK)
        st = buf_append_str(h, "<p style=\"font-size:15px;line-height:22px;\">"
                               "Someone, hopefully you, asked to join the "
                               "partner mailing list of ");
    if (st == SYN_OK)
        st = esc(h, v->site_title);
    if (st == SYN_OK)
        st = buf_append_str(h, ".</p>\n<p style=\"margin:16px 0;\">");
    if (st == SYN_OK)
        st = html_link(h, v->confirm_url,
                       "background:#0b5394;color:#ffffff;padding:10px 16px;"
                       "text-decoration:none;font-weight:bold;"
                       "border-radius:4px;display:inline-block;",
                       "Confirm my subscription");
    if (st == SYN_OK)
        st = buf_printf(h, "</p>\n<p style=\"font-size:12px;" MUTED "\">"
                           "The link is valid for %d days. If you did not "
                           "ask for this, ignore this message: you will not "
                           "receive anything else from us.</p>\n"
                           "</td></tr>\n",
                        v->valid_days);
    if (st == SYN_OK)
        st = html_tail(h);
    return finish(st, t, tlen, h, hlen, err);
}

enum syn_status
digest_render_notice(const struct notice_view *v, struct buf *t,
                     struct buf *h, struct syn_err *err)
{
    size_t tlen = t->len, hlen = h->len;
    enum syn_status st;
    const char *p;

    if (v->site_title == NULL || v->site_url == NULL || v->heading == NULL ||
        v->body == NULL)
        return syn_err_set(err, SYN_EINVAL, "notice view incomplete");
    st = txt(t, v->heading);
    if (st == SYN_OK)
        st = buf_append_str(t, "\n\n");
    if (st == SYN_OK)
        st = txt(t, v->body);
    if (st == SYN_OK && v->link_url != NULL)
        st = buf_printf(t, "\n\n%s: %s",
                        v->link_label != NULL ? v->link_label : "Link",
                        v->link_url);
    if (st == SYN_OK)
        st = buf_append_str(t, "\n\n-- \n");
    if (st == SYN_OK)
        st = txt(t, v->site_title);
    if (st == SYN_OK)
        st = buf_printf(t, "\n%s\n", v->site_url);
    if (st == SYN_OK)
        st = html_head(h, v->heading, v->site_url, v->site_title);
    /* Paragraphs at blank lines, <br> at single line breaks. */
    if (st == SYN_OK)
        st = buf_append_str(h, "<p style=\"font-size:15px;"
                               "line-height:22px;\">");
    for (p = v->body; st == SYN_OK && *p != '\0'; p++) {
        if (p[0] == '\n' && p[1] == '\n') {
            while (p[1] == '\n')
                p++;
            st = buf_append_str(h, "</p>\n<p style=\"font-size:15px;"
                                   "line-height:22px;\">");
        } else if (*p == '\n') {
            st = buf_append_str(h, "<br>\n");
        } else {
            char one[2] = {*p, '\0'};

            st = esc(h, one);
        }
    }
    if (st == SYN_OK)
        st = buf_append_str(h, "</p>\n");
    if (st == SYN_OK && v->link_url != NULL) {
        st = buf_append_str(h, "<p>");
        if (st == SYN_OK)
            st = html_link(h, v->link_url, LINK_STYLE,
                           v->link_label != NULL ? v->link_label : "Link");
        if (st == SYN_OK)
            st = buf_append_str(h, "</p>\n");
    }
    if (st == SYN_OK)
        st = buf_append_str(h, "</td></tr>\n");
    if (st == SYN_OK)
        st = html_tail(h);
    return finish(st, t, tlen, h, hlen, err);
}

/* ------------------------------------------------------------------ */
/* Whole messages                                                      */
/* ------------------------------------------------------------------ */

enum syn_status
digest_signed_link(const struct mail_identity *id, const char *path,
                   int purpose, int64_t subscriber_id, int64_t expires,
                   struct buf *out, struct syn_err *err)
{
    char subject[24];
    size_t len0 = out->len;
    enum syn_status st;

    if (subscriber_id <= 0)
        return syn_err_set(err, SYN_EINVAL, "signed link needs a subscriber");
    snprintf(subject, sizeof(subject), "%" PRId64, subscriber_id);
    st = buf_printf(out, "%s%s?t=", id->base_url, path);
    if (st == SYN_OK)
        st = token_sign(id->key, id->key_len, (enum token_purpose)purpose,
                        subject, expires, out, err);
    if (st != SYN_OK) {
        buf_truncate(out, len0);
        return syn_err_set(err, st, "signed link: %s", syn_strerror(st));
    }
    return SYN_OK;
}

/* List-Id label: "digest." + the host of base_url (RFC 2919 wants a
 * domain the sender controls). */
static void
list_label(const char *base_url, char out[128])
{
    const char *h = strstr(base_url, "://");
    size_t n = 0;

    h = h != NULL ? h + 3 : base_url;
    n = strcspn(h, ":/?#");
    if (n > 100)
        n = 100;
    snprintf(out, 128, "digest.%.*s", (int)n, h);
    if (n == 0)
        snprintf(out, 128, "digest.localhost");
}

/* Fill the From fields of m from id->from, copying into name/addr. */
static enum syn_status
set_from(const struct mail_identity *id, struct mime_message *m,
         char name[256], char addr[SYN_MAX_EMAIL_BYTES + 1],
         struct syn_err *err)
{
    struct str sn, sa;

    if (id->from == NULL || mime_mailbox_split(id->from, &sn, &sa) != SYN_OK ||
        sn.len >= 256 || sa.len > SYN_MAX_EMAIL_BYTES)
        return syn_err_set(err, SYN_ECONFIG, "bad [mail] from address");
    memcpy(name, sn.p, sn.len);
    name[sn.len] = '\0';
    memcpy(addr, sa.p, sa.len);
    addr[sa.len] = '\0';
    m->from_name = name[0] != '\0' ? name : id->site_title;
    m->from_addr = addr;
    m->reply_to = id->reply_to != NULL && *id->reply_to ? id->reply_to : NULL;
    return SYN_OK;
}

static enum syn_status
build(struct mime_message *m, struct buf *text, struct buf *html,
      struct buf *out, struct syn_err *err)
{
    m->text = buf_cstr(text);
    m->html = buf_cstr(html);
    return mime_build(m, out, err);
}

enum syn_status
digest_compose(const struct mail_identity *id, const struct mail_recipient *r,
               const char *frequency_name, const struct digest_story *stories,
               size_t n, int64_t now, struct buf *out, struct syn_err *err)
{
    struct buf prefs, unsub, text, html, subject, mailto;
    char from_name[256], from_addr[SYN_MAX_EMAIL_BYTES + 1], label[128];
    char heading[64], intro[128];
    struct mime_message m;
    struct digest_view v;
    enum syn_status st;

    if (n == 0)
        return syn_err_set(err, SYN_EINVAL, "never an empty digest");
    memset(&m, 0, sizeof(m));
    buf_init(&prefs, SYN_MAX_URL_BYTES);
    buf_init(&unsub, SYN_MAX_URL_BYTES);
    buf_init(&mailto, SYN_MAX_URL_BYTES);
    buf_init(&subject, SYN_MAX_HEADER_VALUE);
    buf_init(&text, SYN_MAX_MESSAGE_BYTES);
    buf_init(&html, SYN_MAX_MESSAGE_BYTES);
    st = set_from(id, &m, from_name, from_addr, err);
    if (st == SYN_OK)
        st = digest_signed_link(id, "/preferences", TOKEN_PREFERENCES, r->id,
                                now + DIGEST_PREFERENCES_TTL_S, &prefs, err);
    if (st == SYN_OK)
        st = digest_signed_link(id, "/unsubscribe", TOKEN_UNSUBSCRIBE, r->id,
                                now + DIGEST_UNSUBSCRIBE_TTL_S, &unsub, err);
    if (st == SYN_OK)
        st = buf_printf(&mailto, "mailto:%s?subject=unsubscribe",
                        m.reply_to != NULL ? m.reply_to : from_addr);
    if (st == SYN_OK) {
        snprintf(heading, sizeof(heading), "Your %s digest", frequency_name);
        snprintf(intro, sizeof(intro), "%zu new %s from our partners.", n,
                 n == 1 ? "story" : "stories");
        memset(&v, 0, sizeof(v));
        v.site_title = id->site_title;
        v.site_url = id->base_url;
        v.heading = heading;
        v.intro = intro;
        v.recipient_name = r->name;
        v.stories = stories;
        v.n_stories = n;
        v.preferences_url = buf_cstr(&prefs);
        v.unsubscribe_url = buf_cstr(&unsub);
        st = digest_render(&v, &text, &html, err);
    }
    if (st == SYN_OK)
        st = buf_printf(&subject, "%s: %s (%zu new %s)", id->site_title,
                        heading, n, n == 1 ? "story" : "stories");
    if (st == SYN_OK) {
        list_label(id->base_url, label);
        m.to_name = r->name;
        m.to_addr = r->email;
        m.subject = buf_cstr(&subject);
        m.date = now;
        m.list_name = id->site_title;
        m.list_id = label;
        m.unsub_url = buf_cstr(&unsub);
        m.unsub_mailto = buf_cstr(&mailto);
        st = build(&m, &text, &html, out, err);
    }
    buf_fini(&prefs);
    buf_fini(&unsub);
    buf_fini(&mailto);
    buf_fini(&subject);
    buf_fini(&text);
    buf_fini(&html);
    return st;
}

enum syn_status
digest_compose_confirm(const struct mail_identity *id,
                       const struct mail_recipient *r, int64_t now,
                       struct buf *out, struct syn_err *err)
{
    char from_name[256], from_addr[SYN_MAX_EMAIL_BYTES + 1];
    struct buf link, text, html, subject;
    struct confirm_view v;
    struct mime_message m;
    enum syn_status st;

    memset(&m, 0, sizeof(m));
    buf_init(&link, SYN_MAX_URL_BYTES);
    buf_init(&subject, SYN_MAX_HEADER_VALUE);
    buf_init(&text, SYN_MAX_MESSAGE_BYTES);
    buf_init(&html, SYN_MAX_MESSAGE_BYTES);
    st = set_from(id, &m, from_name, from_addr, err);
    if (st == SYN_OK)
        st = digest_signed_link(id, "/subscribe/confirm", TOKEN_CONFIRM, r->id,
                                now + DIGEST_CONFIRM_TTL_S, &link, err);
    if (st == SYN_OK) {
        memset(&v, 0, sizeof(v));
        v.site_title = id->site_title;
        v.site_url = id->base_url;
        v.recipient_name = r->name;
        v.confirm_url = buf_cstr(&link);
        v.valid_days = DIGEST_CONFIRM_TTL_S / 86400;
        st = digest_render_confirm(&v, &text, &html, err);
    }
    if (st == SYN_OK)
        st = buf_printf(&subject, "%s: please confirm your subscription",
                        id->site_title);
    if (st == SYN_OK) {
        m.to_name = r->name;
        m.to_addr = r->email;
        m.subject = buf_cstr(&subject);
        m.date = now;
        m.auto_submitted = true;
        st = build(&m, &text, &html, out, err);
    }
    buf_fini(&link);
    buf_fini(&subject);
    buf_fini(&text);
    buf_fini(&html);
    return st;
}

enum syn_status
digest_compose_notice(const struct mail_identity *id,
                      const struct mail_recipient *r, const char *subject,
                      const struct notice_view *v, int64_t now,
                      struct buf *out, struct syn_err *err)
{
    char from_name[256], from_addr[SYN_MAX_EMAIL_BYTES + 1];
    struct buf text, html;
    struct mime_message m;
    enum syn_status st;

    memset(&m, 0, sizeof(m));
    buf_init(&text, SYN_MAX_MESSAGE_BYTES);
    buf_init(&html, SYN_MAX_MESSAGE_BYTES);
    st = set_from(id, &m, from_name, from_addr, err);
    if (st == SYN_OK)
        st = digest_render_notice(v, &text, &html, err);
    if (st == SYN_OK) {
        m.to_name = r->name;
        m.to_addr = r->email;
        m.subject = subject;
        m.date = now;
        m.auto_submitted = true;
        if (v->reply_to != NULL)
            m.reply_to = v->reply_to;
        st = build(&m, &text, &html, out, err);
    }
    buf_fini(&text);
    buf_fini(&html);
    return st;
}

enum syn_status
digest_compose_already(const struct mail_identity *id,
                       const struct mail_recipient *r, int64_t now,
                       struct buf *out, struct syn_err *err)
{
    struct buf prefs, unsub, body, subject;
    struct notice_view v;
    enum syn_status st;

    buf_init(&prefs, SYN_MAX_URL_BYTES);
    buf_init(&unsub, SYN_MAX_URL_BYTES);
    buf_init(&body, SYN_MAX_MESSAGE_BYTES);
    buf_init(&subject, SYN_MAX_HEADER_VALUE);
    st = digest_signed_link(id, "/preferences", TOKEN_PREFERENCES, r->id,
                            now + DIGEST_PREFERENCES_TTL_S, &prefs, err);
    if (st == SYN_OK)
        st = digest_signed_link(id, "/unsubscribe", TOKEN_UNSUBSCRIBE, r->id,
                                now + DIGEST_UNSUBSCRIBE_TTL_S, &unsub, err);
    if (st == SYN_OK)
        st = buf_printf(&body,
                        "Someone, hopefully you, asked to join the partner "
                        "mailing list of %s with this address. It is "
                        "already subscribed: nothing has changed.\n\n"
                        "To change your topics or how often you hear from "
                        "us, use the link below. To stop receiving our "
                        "mail: %s",
                        id->site_title, buf_cstr(&unsub));
    if (st == SYN_OK)
        st = buf_printf(&subject, "%s: you are already subscribed",
                        id->site_title);
    if (st == SYN_OK) {
        memset(&v, 0, sizeof(v));
        v.site_title = id->site_title;
        v.site_url = id->base_url;
        v.heading = "You are already subscribed";
        v.body = buf_cstr(&body);
        v.link_url = buf_cstr(&prefs);
        v.link_label = "Manage your preferences";
        st = digest_compose_notice(id, r, buf_cstr(&subject), &v, now, out,
                                   err);
    }
    buf_fini(&prefs);
    buf_fini(&unsub);
    buf_fini(&body);
    buf_fini(&subject);
    return st;
}
