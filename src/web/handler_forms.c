/* The site's forms and the pages behind the signed links in mail:
 * /subscribe, /subscribe/confirm, /preferences, /unsubscribe, /partner.
 *
 * Everything a form sends is hostile. A POST is checked in this order:
 * the Origin header (when sent) names this host; the CSRF token is good;
 * the honeypot field is empty (a filled one gets the success page and
 * nothing is stored); every field passes its rules (lengths, UTF-8, no
 * control characters in one-line fields, the address shape); then the
 * rate limits per client address and per e-mail address. Refused input
 * gets the form again with the values kept (escaped by the template) and a
 * message next to each offending field, status 400 (403 for CSRF, 429 for
 * rate limits), and nothing is stored.
 *
 * Mail is never sent from here (web/ may not call mail/): a form writes
 * its rows to the store's outbox with an empty body, in the same
 * transaction as the subscriber or inquiry, and the sender composes them
 * (mail/outbox.h). The answer to /subscribe is the same whether the
 * address was new, pending or already confirmed. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app/secret.h"
#include "store/store.h"
#include "util/ascii.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/str.h"
#include "util/token.h"
#include "util/utf8.h"
#include "web/csrf.h"
#include "web/handlers.h"
#include "web/req.h"

#define HTML "text/html; charset=utf-8"
/* Hidden from people by CSS; bots fill every field they see. */
#define HONEYPOT "website_url"

#define MSG_CHECK_INBOX                                                        \
    "Almost done: check your inbox to confirm your subscription."
#define MSG_BAD_LINK                                                           \
    "This link is invalid or has expired. Links in our mail stay valid for "  \
    "a limited time; please use the link of a more recent message, or "       \
    "subscribe again."

/* One form being handled: its data tree and what was refused. */
struct form {
    struct web_req *req;
    struct tpl_tree t;
    struct tpl_val *v; /* "v": submitted values, for the form again */
    struct tpl_val *e; /* "e": messages by field name */
    struct web_params p;
    bool bad;         /* a field was refused */
    const char *note; /* a message above the form, or NULL */
};

static void
form_begin(struct form *f, struct web_req *req)
{
    memset(f, 0, sizeof(*f));
    f->req = req;
    web_tree_begin(req, &f->t);
    f->v = tpl_set_map(&f->t, f->t.root, "v");
    f->e = tpl_set_map(&f->t, f->t.root, "e");
}

static void
form_refuse(struct form *f, const char *field, const char *msg)
{
    f->bad = true;
    tpl_set_str(&f->t, f->e, field, msg);
}

/* Render template name with status (a page that is never cached). */
static enum syn_status
form_render(struct form *f, const char *name, unsigned status,
            struct syn_err *err)
{
    enum syn_status st;

    if (f->note != NULL) {
        tpl_set_str(&f->t, f->t.root, "note", f->note);
    }
    tpl_set_bool(&f->t, f->t.root, "has_errors", f->bad || f->note != NULL);
    st = web_render(f->req, name, &f->t, HTML, err);
    if (st != SYN_OK)
        return st;
    f->req->resp.status = status;
    f->req->resp.no_cache = true;
    f->req->resp.cache_control = "no-store";
    return SYN_OK;
}

/* A page with a title and a message (the answers of the forms). */
static enum syn_status
notice(struct web_req *req, unsigned status, const char *title,
       const char *message, struct syn_err *err)
{
    struct form f;

    form_begin(&f, req);
    tpl_set_str(&f.t, f.t.root, "title", title);
    tpl_set_str(&f.t, f.t.root, "message", message);
    return form_render(&f, "notice.html", status, err);
}

/* ---- checks ---- */

/* Does origin ("scheme://host[:port]") equal the scheme and authority at
 * the start of url? */
static bool
same_origin(const char *origin, const char *url)
{
    const char *sep = url != NULL ? strstr(url, "://") : NULL;
    size_t n;

    if (sep == NULL)
        return false;
    n = (size_t)(sep + 3 - url);
    n += strcspn(url + n, "/?#");
    return strlen(origin) == n && str_ncasecmp(origin, url, n) == 0;
}

/* The Origin header, when a browser sends one, must name the host the
 * request was sent to, or the site's base_url (behind a reverse proxy
 * that rewrites Host): a page of another site cannot post our forms. */
static bool
origin_ok(const struct web_req *req)
{
    const char *origin = web_req_header(req, "Origin");
    const char *host = web_req_header(req, "Host");
    const char *h;

    if (origin == NULL)
        return true;
    if (same_origin(origin, req->site->opts->base_url))
        return true;
    if (host == NULL)
        return false;
    if (str_ncasecmp(origin, "http://", 7) == 0) {
        h = origin + 7;
    } else if (str_ncasecmp(origin, "https://", 8) == 0) {
        h = origin + 8;
    } else
        return false;
    return str_casecmp(h, host) == 0;
}

/* Decode the POSTed body into f->p. A body that cannot be decoded (bad
 * escapes, invalid UTF-8, control bytes, a value too long) leaves f->p
 * empty and sets the note. */
static enum syn_status
form_parse(struct form *f, struct syn_err *err)
{
    struct syn_err perr;
    enum syn_status st;

    syn_err_clear(&perr);
    st = web_form_parse(f->req->body_in.data != NULL ? f->req->body_in.data
                                                     : "",
                        f->req->body_in.len, &f->req->arena, &f->p, &perr);
    if (st == SYN_ENOMEM)
        return syn_err_set(err, st, "out of memory");
    if (st != SYN_OK) {
        f->p.items = NULL;
        f->p.n = 0;
        f->bad = true;
        f->note = "The form could not be read: it holds text that is not "
                  "valid UTF-8, control characters, or a field far too "
                  "long. Please check what you entered and send it again.";
    }
    return SYN_OK;
}

/* The CSRF token of the form: a 403 form page when it is missing, wrong
 * or expired. */
static bool
csrf_ok(struct form *f)
{
    if (origin_ok(f->req) &&
        web_csrf_check(f->req->site->csrf_key, web_params_get(&f->p, "csrf"),
                       (int64_t)time(NULL)))
        return true;
    f->note = "This form has expired or did not come from this site. Please "
              "check the fields below and send it again.";
    return false;
}

/* The trimmed value of a text field, kept in f->v for the form again, or
 * NULL when empty. label completes "Please enter ...". max counts bytes, or characters when chars is set;
 * multiline allows line breaks and tabs. Refusals go to f->e. */
static const char *
text_field(struct form *f, const char *name, const char *label, size_t max,
           bool chars, bool required, bool multiline)
{
    struct str s = str_trim(str_from_cstr(web_params_get(&f->p, name)));
    const char *v;
    size_t i, n = 0;
    char msg[160];

    v = arena_strndup(&f->req->arena, s.p != NULL ? s.p : "", s.len);
    if (v == NULL) {
        f->t.failed = true;
        return NULL;
    }
    tpl_set_str(&f->t, f->v, name, v);
    if (s.len == 0) {
        if (required) {
            snprintf(msg, sizeof(msg), "Please enter %s.", label);
            form_refuse(f, name, arena_strdup(&f->req->arena, msg));
        }
        return NULL;
    }
    if (!utf8_valid(s.p, s.len)) {
        form_refuse(f, name, "This field is not valid UTF-8 text.");
        return NULL;
    }
    for (i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];

        if ((c < 0x20 || c == 0x7f) &&
            !(multiline && (c == '\n' || c == '\r' || c == '\t'))) {
            form_refuse(f, name,
                        "This field may not contain line breaks or control "
                        "characters.");
            return NULL;
        }
        if (!chars || (c & 0xc0) != 0x80) {
            n++;
        }
    }
    if (n > max) {
        snprintf(msg, sizeof(msg), "This field is too long: at most %zu %s.",
                 max, chars ? "characters" : "bytes");
        form_refuse(f, name, arena_strdup(&f->req->arena, msg));
        return NULL;
    }
    return v;
}

/* An address we can put in a mail header: <= SYN_MAX_EMAIL_BYTES, no
 * spaces or control bytes, exactly one '@' with something before it and
 * a domain holding a dot, not at either end. */
static bool
email_ok(const char *s)
{
    const char *at = NULL, *dot;
    size_t i, n = strlen(s);

    if (n == 0 || n > SYN_MAX_EMAIL_BYTES)
        return false;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' ||
            c == '"' || c == '\\' || c == '(' || c == ')' || c == ';')
            return false;
        if (c == '@') {
            if (at != NULL)
                return false;
            at = s + i;
        }
    }
    if (at == NULL || at == s || at[1] == '\0')
        return false;
    dot = strchr(at + 1, '.');
    return dot != NULL && dot != at + 1 && s[n - 1] != '.' &&
           strstr(at, "..") == NULL;
}

static const char *
email_field(struct form *f)
{
    const char *v = text_field(f, "email", "your email address",
                               SYN_MAX_EMAIL_BYTES, false, true, false);

    if (v != NULL && !email_ok(v)) {
        form_refuse(f, "email",
                    "Please enter a valid email address, like "
                    "name@example.org.");
        return NULL;
    }
    return v;
}

/* The "topics" values of the form, each an existing topic, as a
 * comma-separated list without duplicates ("" = none chosen). */
static const char *
topics_field(struct form *f, const struct store_topic_list *topics)
{
    struct buf b;
    size_t i, k;
    const char *out;

    buf_init(&b, SYN_MAX_FORM_VALUE_BYTES);
    for (i = 0; i < f->p.n; i++) {
        const char *v = f->p.items[i].value;
        bool known = false;
        struct str have;

        if (strcmp(f->p.items[i].name, "topics") != 0)
            continue;
        for (k = 0; k < topics->n && !known; k++) {
            known = strcmp(topics->v[k].slug, v) == 0;
        }
        if (!known) {
            form_refuse(f, "topics", "Please choose among the topics shown.");
            continue;
        }
        /* Skip a topic already listed. */
        have = str_from_cstr(buf_cstr(&b));
        for (k = 0; k < have.len;) {
            size_t n = strcspn(have.p + k, ",");

            if (n == strlen(v) && memcmp(have.p + k, v, n) == 0)
                break;
            k += n + 1;
        }
        if (k < have.len)
            continue;
        if ((b.len > 0 && buf_append_str(&b, ",") != SYN_OK) ||
            buf_append_str(&b, v) != SYN_OK) {
            f->t.failed = true;
        }
    }
    out = arena_strdup(&f->req->arena, buf_cstr(&b));
    buf_fini(&b);
    if (out == NULL) {
        f->t.failed = true;
    }
    return out;
}

/* "frequency" among instant|daily|weekly (daily when absent); the choices
 * for the template: "freq_instant", "freq_daily", "freq_weekly". */
static void
frequency_tree(struct form *f, enum store_frequency fr)
{
    tpl_set_bool(&f->t, f->t.root, "freq_instant", fr == STORE_FREQ_INSTANT);
    tpl_set_bool(&f->t, f->t.root, "freq_daily", fr == STORE_FREQ_DAILY);
    tpl_set_bool(&f->t, f->t.root, "freq_weekly", fr == STORE_FREQ_WEEKLY);
}

static enum store_frequency
frequency_field(struct form *f)
{
    const char *v = web_params_get(&f->p, "frequency");
    enum store_frequency fr = STORE_FREQ_DAILY;

    if (v != NULL && v[0] != '\0' && store_frequency_parse(v, &fr) != SYN_OK) {
        form_refuse(f, "frequency",
                    "Please choose how often: as it happens, daily or "
                    "weekly.");
        fr = STORE_FREQ_DAILY;
    }
    frequency_tree(f, fr);
    return fr;
}

/* The site's topics as the form's checkboxes (web_topics_tree), checked
 * when in chosen; with from_form, *from_form first gets the form's own
 * "topics" values (topics_field) and those are checked instead. */
static enum syn_status
form_topics(struct form *f, struct store *s, const char *chosen,
            const char **from_form, struct syn_err *err)
{
    struct store_topic_list *topics = NULL;
    enum syn_status st = store_topic_list(s, &topics, err);

    if (st != SYN_OK)
        return st;
    if (from_form != NULL) {
        chosen = *from_form = topics_field(f, topics);
    }
    web_topics_tree(&f->t, topics, chosen);
    store_topic_list_free(topics);
    return SYN_OK;
}

/* The choices of a subscriber (name, organization, frequency, topics)
 * from the form into in, and the page ready to show the form again:
 * checkboxes and a fresh CSRF token. Problems are the form's
 * (form_refuse); errors are the store's. */
static enum syn_status
choice_fields(struct form *f, struct store *s, struct store_subscriber *in,
              struct syn_err *err)
{
    const char *chosen = NULL;
    enum syn_status st;

    in->name = (char *)text_field(f, "name", "name", SYN_MAX_FORM_LINE_BYTES,
                                  false, false, false);
    in->organization =
        (char *)text_field(f, "organization", "organization",
                           SYN_MAX_FORM_LINE_BYTES, false, false, false);
    in->frequency = frequency_field(f);
    st = form_topics(f, s, NULL, &chosen, err);
    if (st != SYN_OK)
        return st;
    in->topics = (char *)chosen;
    web_csrf_field(f->req, &f->t);
    return SYN_OK;
}

/* Count this submission against the limits of the client address and of
 * the e-mail address (prefix names the form). */
static enum syn_status
rate_ok(struct form *f, struct store *s, const char *prefix,
        const char *email, bool *ok, struct syn_err *err)
{
    char key[SYN_MAX_EMAIL_BYTES + 64];
    int64_t now = (int64_t)time(NULL);
    bool a = true, b = true;
    enum syn_status st;
    size_t i;

    snprintf(key, sizeof(key), "%s:ip:%s", prefix,
             web_req_client_ip(f->req));
    st = store_rate_check(s, key, SYN_FORM_RATE_WINDOW_S, SYN_FORM_RATE_PER_IP,
                          now, &a, err);
    if (st == SYN_OK && email != NULL) {
        snprintf(key, sizeof(key), "%s:email:%s", prefix, email);
        for (i = 0; key[i] != '\0'; i++) {
            key[i] = ascii_tolower(key[i]);
        }
        st = store_rate_check(s, key, SYN_FORM_RATE_WINDOW_S,
                              SYN_FORM_RATE_PER_ADDRESS, now, &b, err);
    }
    *ok = a && b;
    if (!*ok) {
        f->note = "Too many requests from you in a short time. Please wait "
                  "an hour and try again.";
    }
    return st;
}

/* ---- the double opt-in ---- */

/* Record the subscription request and queue its confirm mail, inside the
 * caller's transaction. A confirmed address gets a row too (the sender
 * then writes "you are already subscribed"), so nothing here tells the
 * two cases apart. */
static enum syn_status
start_opt_in(struct store *s, const struct store_subscriber *in, int64_t now,
             struct syn_err *err)
{
    struct store_mail m;
    struct timespec ts;
    char key[80];
    int64_t id = 0;
    enum syn_status st;

    st = store_subscriber_add_pending(s, in, now, &id, err);
    if (st == SYN_EEXIST) {
        syn_err_clear(err);
        st = SYN_OK;
    }
    if (st != SYN_OK)
        return st;
    /* Each request its own row (the rate limits bound how many): the
     * microseconds keep two requests of the same second apart. */
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(key, sizeof(key), "confirm:%" PRId64 ":%" PRId64 ".%06ld", id,
             now, (long)(ts.tv_nsec / 1000));
    memset(&m, 0, sizeof(m));
    m.kind = STORE_MAIL_CONFIRM;
    m.dedupe_key = key;
    m.recipient = in->email;
    m.subject = "Please confirm your subscription";
    m.body = "";
    return store_outbox_enqueue(s, &m, now, NULL, NULL, err);
}

static enum syn_status
commit_or_rollback(struct store *s, enum syn_status st, struct syn_err *err)
{
    if (st == SYN_OK)
        return store_commit(s, err);
    SYN_IGNORE(store_rollback(s, NULL));
    return st;
}

/* ---- /subscribe ---- */

enum syn_status
web_h_subscribe(struct web_req *req, struct syn_err *err)
{
    struct store_subscriber in;
    struct store *s = NULL;
    struct form f;
    unsigned status = 400;
    enum syn_status st;
    int64_t now = (int64_t)time(NULL);
    bool ok = false;

    form_begin(&f, req);
    st = web_req_store(req, &s, err);
    if (st != SYN_OK)
        return st;
    if (req->method != WEB_POST) {
        st = form_topics(&f, s, NULL, NULL, err);
        if (st != SYN_OK)
            return st;
        frequency_tree(&f, STORE_FREQ_DAILY);
        web_csrf_field(req, &f.t);
        return form_render(&f, "subscribe.html", 200, err);
    }
    st = form_parse(&f, err);
    if (st != SYN_OK)
        return st;
    if (!f.bad && !csrf_ok(&f)) {
        status = 403;
    }
    memset(&in, 0, sizeof(in));
    in.email = (char *)email_field(&f);
    st = choice_fields(&f, s, &in, err);
    if (st != SYN_OK)
        return st;
    if (f.bad || f.note != NULL)
        return form_render(&f, "subscribe.html", status, err);
    {
        const char *hp = web_params_get(&f.p, HONEYPOT);

        if (hp != NULL && hp[0] != '\0')
            return notice(req, 200, "Check your inbox", MSG_CHECK_INBOX, err);
    }
    st = rate_ok(&f, s, "subscribe", in.email, &ok, err);
    if (st != SYN_OK)
        return st;
    if (!ok)
        return form_render(&f, "subscribe.html", 429, err);
    in.consent_time = now;
    in.consent_ip = (char *)web_req_client_ip(req);
    in.consent_source = "subscribe form";
    st = store_begin(s, err);
    if (st != SYN_OK)
        return st;
    st = commit_or_rollback(s, start_opt_in(s, &in, now, err), err);
    if (st != SYN_OK)
        return st;
    web_outbox_queued(req);
    return notice(req, 200, "Check your inbox", MSG_CHECK_INBOX, err);
}

/* ---- signed links ---- */

/* The subscriber named by the token of the request ("t" in the query,
 * else in the form), for purpose. A bad or expired token answers the
 * "invalid or expired" page: *sub stays NULL and SYN_OK is returned. */
static enum syn_status
token_subscriber(struct web_req *req, const struct web_params *form,
                 enum token_purpose purpose, const char **token,
                 struct store **s, struct store_subscriber **sub,
                 struct syn_err *err)
{
    const char *t = web_params_get(&req->query, "t");
    unsigned char key[APP_SECRET_BYTES];
    struct buf subject;
    struct syn_err terr;
    enum syn_status st;
    long id = 0;

    *sub = NULL;
    if ((t == NULL || t[0] == '\0') && form != NULL) {
        t = web_params_get(form, "t");
    }
    *token = t;
    if (t == NULL || t[0] == '\0' || strlen(t) > SYN_MAX_TOKEN_BYTES)
        return notice(req, 400, "Invalid link", MSG_BAD_LINK, err);
    /* The key is read from the store on each use, as the mail sender
     * does: both then agree on the stored one even if two processes
     * created it at once on first start. */
    st = web_req_store(req, s, err);
    if (st == SYN_OK) {
        st = app_secret_get(*s, "hmac_key", key, NULL, err);
    }
    if (st != SYN_OK)
        return st;
    buf_init(&subject, SYN_MAX_TOKEN_SUBJECT + 1);
    syn_err_clear(&terr);
    st = token_verify(key, sizeof(key), purpose, t, (int64_t)time(NULL),
                      &subject, NULL, &terr);
    sodium_memzero(key, sizeof(key));
    if (st == SYN_OK && str_to_long(buf_cstr(&subject), 1, 0x7fffffffffffffffL,
                                    &id) != SYN_OK) {
        st = SYN_EAUTH;
    }
    buf_fini(&subject);
    if (st == SYN_ENOMEM)
        return syn_err_set(err, st, "out of memory");
    if (st != SYN_OK)
        return notice(req, 400, "Invalid link", MSG_BAD_LINK, err);
    st = store_subscriber_get(*s, (int64_t)id, sub, err);
    if (st == SYN_ENOTFOUND) {
        syn_err_clear(err);
        return notice(req, 400, "Invalid link", MSG_BAD_LINK, err);
    }
    return st;
}

enum syn_status
web_h_confirm(struct web_req *req, struct syn_err *err)
{
    struct store_subscriber *sub = NULL;
    struct store *s = NULL;
    const char *t;
    enum syn_status st;

    st = token_subscriber(req, NULL, TOKEN_CONFIRM, &t, &s, &sub, err);
    if (st != SYN_OK || sub == NULL)
        return st;
    /* A link of an address that has unsubscribed since (or bounces) does
     * not bring it back: only a new subscription does. */
    if (sub->status == STORE_SUB_PENDING) {
        st = store_subscriber_confirm(s, sub->id, (int64_t)time(NULL), err);
    } else if (sub->status != STORE_SUB_CONFIRMED) {
        st = notice(req, 400, "Invalid link", MSG_BAD_LINK, err);
    }
    if (st == SYN_OK && sub->status != STORE_SUB_UNSUBSCRIBED &&
        sub->status != STORE_SUB_BOUNCING) {
        st = notice(req, 200, "You have successfully subscribed!",
                    "You have successfully subscribed! You will receive the "
                    "latest news and updates from our team. Every message "
                    "has a link to change your preferences or unsubscribe.",
                    err);
    }
    store_subscriber_free(sub);
    return st;
}

enum syn_status
web_h_preferences(struct web_req *req, struct syn_err *err)
{
    struct store_subscriber *sub = NULL, in;
    struct store *s = NULL;
    struct form f;
    const char *t;
    enum syn_status st;
    unsigned status = 400;

    form_begin(&f, req);
    if (req->method == WEB_POST) {
        st = form_parse(&f, err);
        if (st != SYN_OK)
            return st;
    }
    st = token_subscriber(req, &f.p, TOKEN_PREFERENCES, &t, &s, &sub, err);
    if (st != SYN_OK || sub == NULL)
        return st;
    tpl_set_str(&f.t, f.t.root, "token", t);
    tpl_set_str(&f.t, f.t.root, "email", sub->email);
    if (req->method != WEB_POST) {
        tpl_set_str(&f.t, f.v, "name", sub->name);
        tpl_set_str(&f.t, f.v, "organization", sub->organization);
        frequency_tree(&f, sub->frequency);
        st = form_topics(&f, s, sub->topics, NULL, err);
        web_csrf_field(req, &f.t);
        if (st == SYN_OK) {
            st = form_render(&f, "preferences.html", 200, err);
        }
        store_subscriber_free(sub);
        return st;
    }
    if (!f.bad && !csrf_ok(&f)) {
        status = 403;
    }
    in = *sub;
    st = choice_fields(&f, s, &in, err);
    if (st != SYN_OK)
        goto out;
    if (f.bad || f.note != NULL) {
        st = form_render(&f, "preferences.html", status, err);
        goto out;
    }
    st = store_subscriber_update_prefs(s, sub->id, &in, err);
    if (st == SYN_OK) {
        tpl_set_bool(&f.t, f.t.root, "saved", true);
        st = form_render(&f, "preferences.html", 200, err);
    }
out:
    store_subscriber_free(sub);
    return st;
}

enum syn_status
web_h_unsubscribe(struct web_req *req, struct syn_err *err)
{
    struct store_subscriber *sub = NULL;
    struct store *s = NULL;
    struct form f;
    const char *t, *one_click;
    enum syn_status st;

    form_begin(&f, req);
    if (req->method == WEB_POST) {
        st = form_parse(&f, err);
        if (st != SYN_OK)
            return st;
    }
    st = token_subscriber(req, &f.p, TOKEN_UNSUBSCRIBE, &t, &s, &sub, err);
    if (st != SYN_OK || sub == NULL)
        return st;
    tpl_set_str(&f.t, f.t.root, "token", t);
    if (req->method != WEB_POST) {
        web_csrf_field(req, &f.t);
        st = form_render(&f, "unsubscribe.html", 200, err);
        goto out;
    }
    /* RFC 8058: a mail client's one-click POST carries no CSRF token; the
     * signed token in the URL is the proof. */
    one_click = web_params_get(&f.p, "List-Unsubscribe");
    if ((one_click == NULL || strcmp(one_click, "One-Click") != 0) &&
        !csrf_ok(&f)) {
        web_csrf_field(req, &f.t);
        st = form_render(&f, "unsubscribe.html", 403, err);
        goto out;
    }
    if (sub->status != STORE_SUB_UNSUBSCRIBED) {
        st = store_subscriber_unsubscribe(s, sub->id, err);
    }
    if (st == SYN_OK) {
        st = notice(req, 200, "You have been unsubscribed",
                    "You have been unsubscribed: we will not send you any "
                    "more mail. You can subscribe again at any time.",
                    err);
    }
out:
    store_subscriber_free(sub);
    return st;
}

/* ---- /partner ---- */

static const struct {
    const char *value, *label;
} inquiry_kinds[] = {
    {"content", "content syndication"},
    {"media", "media"},
    {"events", "events"},
    {"research", "research"},
    {"other", "other"},
};

static void
kinds_tree(struct form *f, const char *chosen)
{
    struct tpl_val *list = tpl_set_list(&f->t, f->t.root, "kinds");
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(inquiry_kinds); i++) {
        struct tpl_val *m = tpl_list_add_map(&f->t, list);

        tpl_set_str(&f->t, m, "value", inquiry_kinds[i].value);
        tpl_set_str(&f->t, m, "label", inquiry_kinds[i].label);
        tpl_set_bool(&f->t, m, "selected",
                     chosen != NULL &&
                         strcmp(chosen, inquiry_kinds[i].value) == 0);
    }
}

static const char *
kind_field(struct form *f)
{
    const char *v = web_params_get(&f->p, "kind");
    size_t i;

    kinds_tree(f, v);
    for (i = 0; v != NULL && i < SYN_ARRAY_LEN(inquiry_kinds); i++) {
        if (strcmp(v, inquiry_kinds[i].value) == 0)
            return inquiry_kinds[i].value;
    }
    form_refuse(f, "kind", "Please choose what kind of partnership you have "
                           "in mind.");
    return NULL;
}

static const char *
website_field(struct form *f)
{
    const char *v = text_field(f, "website", "website address",
                               SYN_MAX_FORM_URL_BYTES, false, false, false);
    size_t i;

    if (v == NULL)
        return NULL;
    for (i = 0; v[i] != '\0'; i++) {
        if (v[i] == ' ' || v[i] == '<' || v[i] == '>' || v[i] == '"')
            break;
    }
    if (v[i] != '\0' ||
        !((str_ncasecmp(v, "http://", 7) == 0 && v[7] != '\0') ||
          (str_ncasecmp(v, "https://", 8) == 0 && v[8] != '\0'))) {
        form_refuse(f, "website",
                    "Please enter the full address of your website, "
                    "starting with https:// or http://.");
        return NULL;
    }
    return v;
}

/* Queue the acknowledgement to the sender and one notification per team
 * address, inside the caller's transaction. Keys as mail/outbox.h reads
 * them: "ack:inquiry:<id>", "notify:inquiry:<id>:<address>". */
static enum syn_status
queue_inquiry_mail(struct web_req *req, struct store *s, int64_t id,
                   const char *email, int64_t now, struct syn_err *err)
{
    const char *team = req->site->opts->team_addresses;
    char key[SYN_MAX_EMAIL_BYTES + 64], addr[SYN_MAX_EMAIL_BYTES + 1];
    struct store_mail m;
    enum syn_status st;

    memset(&m, 0, sizeof(m));
    snprintf(key, sizeof(key), "ack:inquiry:%" PRId64, id);
    m.kind = STORE_MAIL_ACK;
    m.dedupe_key = key;
    m.recipient = (char *)email;
    m.subject = "We received your message";
    m.body = "";
    st = store_outbox_enqueue(s, &m, now, NULL, NULL, err);
    while (st == SYN_OK && team != NULL && *team != '\0') {
        size_t n = strcspn(team, ",");
        struct str a = str_trim((struct str){team, n});

        team += n;
        if (*team == ',') {
            team++;
        }
        if (a.len == 0)
            continue;
        if (a.len > SYN_MAX_EMAIL_BYTES) {
            log_warn(req->site->opts->log,
                     "team address too long, skipped len=%zu", a.len);
            continue;
        }
        memcpy(addr, a.p, a.len);
        addr[a.len] = '\0';
        if (!email_ok(addr)) {
            log_warn(req->site->opts->log, "bad team address skipped");
            continue;
        }
        snprintf(key, sizeof(key), "notify:inquiry:%" PRId64 ":%s", id, addr);
        m.kind = STORE_MAIL_NOTIFY;
        m.dedupe_key = key;
        m.recipient = addr;
        m.subject = "New partnership inquiry";
        st = store_outbox_enqueue(s, &m, now, NULL, NULL, err);
    }
    return st;
}

enum syn_status
web_h_partner_form(struct web_req *req, struct syn_err *err)
{
    struct store_inquiry inq;
    struct store *s = NULL;
    struct form f;
    const char *sub;
    unsigned status = 400;
    enum syn_status st;
    int64_t now = (int64_t)time(NULL), id = 0;
    bool ok = false, want_sub;

    form_begin(&f, req);
    if (req->method != WEB_POST) {
        kinds_tree(&f, NULL);
        st = web_subscribe_box(req, &f.t, err); /* and the csrf token */
        if (st != SYN_OK)
            return st;
        return form_render(&f, "partner.html", 200, err);
    }
    st = web_req_store(req, &s, err);
    if (st != SYN_OK)
        return st;
    st = form_parse(&f, err);
    if (st != SYN_OK)
        return st;
    if (!f.bad && !csrf_ok(&f)) {
        status = 403;
    }
    memset(&inq, 0, sizeof(inq));
    inq.organization =
        (char *)text_field(&f, "organization", "the name of your organization",
                           SYN_MAX_FORM_LINE_BYTES, false, true, false);
    inq.name = (char *)text_field(&f, "name", "your name",
                                  SYN_MAX_FORM_LINE_BYTES, false, true, false);
    inq.email = (char *)email_field(&f);
    inq.website = (char *)website_field(&f);
    inq.country = (char *)text_field(&f, "country", "country",
                                     SYN_MAX_FORM_LINE_BYTES, false, false,
                                     false);
    inq.kind = (char *)kind_field(&f);
    inq.message = (char *)text_field(&f, "message", "a message",
                                     SYN_MAX_INQUIRY_CHARS, true, true, true);
    sub = web_params_get(&f.p, "subscribe");
    want_sub = sub != NULL && sub[0] != '\0';
    tpl_set_bool(&f.t, f.v, "subscribe", want_sub);
    web_csrf_field(req, &f.t);
    if (f.bad || f.note != NULL)
        return form_render(&f, "partner.html", status, err);
    {
        const char *hp = web_params_get(&f.p, HONEYPOT);

        if (hp != NULL && hp[0] != '\0')
            goto thanks;
    }
    st = rate_ok(&f, s, "partner", inq.email, &ok, err);
    if (st != SYN_OK)
        return st;
    if (!ok)
        return form_render(&f, "partner.html", 429, err);
    inq.ip = (char *)web_req_client_ip(req);
    st = store_begin(s, err);
    if (st != SYN_OK)
        return st;
    st = store_inquiry_add(s, &inq, now, &id, err);
    if (st == SYN_OK) {
        st = queue_inquiry_mail(req, s, id, inq.email, now, err);
    }
    if (st == SYN_OK && want_sub) {
        struct store_subscriber in;

        memset(&in, 0, sizeof(in));
        in.email = inq.email;
        in.name = inq.name;
        in.organization = inq.organization;
        in.frequency = STORE_FREQ_DAILY;
        in.consent_time = now;
        in.consent_ip = inq.ip;
        in.consent_source = "partner form";
        st = start_opt_in(s, &in, now, err);
    }
    st = commit_or_rollback(s, st, err);
    if (st != SYN_OK)
        return st;
    web_outbox_queued(req);
thanks:
    return notice(req, 200, "Thank you",
                  want_sub ? "Thank you — we received your inquiry and will "
                             "get back to you soon. We also sent you a "
                             "message to confirm your subscription to our "
                             "partner mailing list: check your inbox."
                           : "Thank you — we received your inquiry and will "
                             "get back to you soon.",
                  err);
}
