/* Mail composition (see digest.h). The first half renders bodies from
 * views through the theme's mail templates; the second half signs links
 * and builds whole messages. */
#include "mail/digest.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "mail/mime.h"
#include "util/arena.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/token.h"
#include "util/tpl.h"
#include "util/utf8.h"

/* ------------------------------------------------------------------ */
/* Bodies: views -> a util/tpl tree -> the theme's mail templates       */
/* ------------------------------------------------------------------ */

/* The tree of one mail holds a few KB of copied strings: one block. */
#define RENDER_ARENA_BLOCK 16384

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

/* Set key to s unless s is NULL or empty (so that {{#key}} is false). */
static void
set_some(struct tpl_tree *t, struct tpl_val *map, const char *key,
         const char *s)
{
    if (s != NULL && s[0] != '\0') {
        SYN_IGNORE(tpl_set_str(t, map, key, s));
    }
}

/* Render `<base>.txt` (no HTML escaping) into text and `<base>.html` into
 * html from tree t; on failure both bufs are cut back to where they were. */
static enum syn_status
render_pair(const struct tpl_set *tpl, const char *base,
            const struct tpl_tree *t, struct buf *text, struct buf *html,
            struct syn_err *err)
{
    char name[64];
    size_t tlen = text->len, hlen = html->len;
    enum syn_status st;

    snprintf(name, sizeof(name), "%s.txt", base);
    st = tpl_render_as(tpl, name, t, TPL_ESCAPE_TEXT, text, err);
    if (st == SYN_OK) {
        snprintf(name, sizeof(name), "%s.html", base);
        st = tpl_render_as(tpl, name, t, TPL_ESCAPE_HTML, html, err);
    }
    if (st != SYN_OK) {
        buf_truncate(text, tlen);
        buf_truncate(html, hlen);
    }
    return st;
}

/* Fields every mail template may use. */
static void
set_common(struct tpl_tree *t, const char *site_title, const char *site_url,
           const char *heading, const char *recipient_name)
{
    set_some(t, t->root, "site_title", site_title);
    set_some(t, t->root, "site_url", site_url);
    set_some(t, t->root, "heading", heading);
    set_some(t, t->root, "recipient_name", recipient_name);
}

enum syn_status
digest_render(const struct tpl_set *tpl, const struct digest_view *v,
              struct buf *text, struct buf *html, struct syn_err *err)
{
    struct tpl_val *list;
    struct tpl_tree t;
    struct arena a;
    enum syn_status st;
    size_t i;

    if (tpl == NULL)
        return syn_err_set(err, SYN_EINVAL, "no mail templates loaded");
    if (v->site_title == NULL || v->site_url == NULL || v->heading == NULL ||
        v->preferences_url == NULL || v->unsubscribe_url == NULL ||
        v->n_stories == 0)
        return syn_err_set(err, SYN_EINVAL, "digest view incomplete");
    for (i = 0; i < v->n_stories; i++) {
        if (v->stories[i].title == NULL || v->stories[i].article_url == NULL ||
            v->stories[i].source_url == NULL)
            return syn_err_set(err, SYN_EINVAL, "story %zu incomplete", i);
    }
    arena_init(&a, RENDER_ARENA_BLOCK, 0);
    tpl_tree_init(&t, &a);
    set_common(&t, v->site_title, v->site_url, v->heading, v->recipient_name);
    set_some(&t, t.root, "intro", v->intro);
    set_some(&t, t.root, "preferences_url", v->preferences_url);
    set_some(&t, t.root, "unsubscribe_url", v->unsubscribe_url);
    list = tpl_set_list(&t, t.root, "stories");
    for (i = 0; i < v->n_stories; i++) {
        const struct digest_story *s = &v->stories[i];
        struct tpl_val *m = tpl_list_add_map(&t, list);
        char date[32];

        story_date(s->published, date);
        set_some(&t, m, "title", s->title);
        set_some(&t, m, "article_url", s->article_url);
        set_some(&t, m, "source_url", s->source_url);
        set_some(&t, m, "source_name", s->source_name);
        set_some(&t, m, "date", date);
        /* source and date share a line that is left out when both are */
        SYN_IGNORE(tpl_set_bool(&t, m, "byline",
                                (s->source_name != NULL &&
                                 s->source_name[0] != '\0') ||
                                    date[0] != '\0'));
        /* Sanitized when stored (html/sanitize): {{{excerpt_html}}}. */
        set_some(&t, m, "excerpt_html", s->excerpt_html);
        set_some(&t, m, "excerpt_text", s->excerpt_text);
    }
    st = render_pair(tpl, "digest", &t, text, html, err);
    arena_fini(&a);
    return st;
}

enum syn_status
digest_render_confirm(const struct tpl_set *tpl, const struct confirm_view *v,
                      struct buf *text, struct buf *html,
                      struct syn_err *err)
{
    struct tpl_tree t;
    struct arena a;
    enum syn_status st;

    if (tpl == NULL)
        return syn_err_set(err, SYN_EINVAL, "no mail templates loaded");
    if (v->site_title == NULL || v->site_url == NULL || v->confirm_url == NULL)
        return syn_err_set(err, SYN_EINVAL, "confirm view incomplete");
    arena_init(&a, RENDER_ARENA_BLOCK, 0);
    tpl_tree_init(&t, &a);
    set_common(&t, v->site_title, v->site_url,
               "Please confirm your subscription", v->recipient_name);
    set_some(&t, t.root, "confirm_url", v->confirm_url);
    SYN_IGNORE(tpl_set_long(&t, t.root, "valid_days", v->valid_days));
    st = render_pair(tpl, "confirm", &t, text, html, err);
    arena_fini(&a);
    return st;
}

/* body's paragraphs (split at blank lines) as a list of maps, each with
 * its lines: {text, br} where br is true for every line but the first (so
 * that templates can put a <br> between lines). */
static void
set_paragraphs(struct tpl_tree *t, const char *body)
{
    struct tpl_val *paras = tpl_set_list(t, t->root, "paragraphs");
    struct tpl_val *lines = NULL;
    const char *p = body;

    while (*p != '\0') {
        size_t n = strcspn(p, "\n"), len = n;
        struct tpl_val *line;

        /* A form's textarea sends CRLF: the CR is part of the line end. */
        if (len > 0 && p[len - 1] == '\r') {
            len--;
        }
        if (len > 0) {
            if (lines == NULL) {
                lines = tpl_set_list(t, tpl_list_add_map(t, paras), "lines");
            }
            line = tpl_list_add_map(t, lines);
            SYN_IGNORE(tpl_set_bool(t, line, "br", tpl_list_len(lines) > 1));
            SYN_IGNORE(tpl_set_strn(t, line, "text", p, len));
        } else {
            lines = NULL; /* a blank line ends the paragraph */
        }
        p += n;
        if (*p == '\n') {
            p++;
        }
    }
}

enum syn_status
digest_render_notice(const struct tpl_set *tpl, const struct notice_view *v,
                     struct buf *text, struct buf *html, struct syn_err *err)
{
    struct tpl_tree t;
    struct arena a;
    enum syn_status st;

    if (tpl == NULL)
        return syn_err_set(err, SYN_EINVAL, "no mail templates loaded");
    if (v->site_title == NULL || v->site_url == NULL || v->heading == NULL ||
        v->body == NULL)
        return syn_err_set(err, SYN_EINVAL, "notice view incomplete");
    arena_init(&a, RENDER_ARENA_BLOCK, 0);
    tpl_tree_init(&t, &a);
    set_common(&t, v->site_title, v->site_url, v->heading, NULL);
    set_some(&t, t.root, "body", v->body);
    set_paragraphs(&t, v->body);
    if (v->link_url != NULL && v->link_url[0] != '\0') {
        set_some(&t, t.root, "link_url", v->link_url);
        set_some(&t, t.root, "link_label",
                 v->link_label != NULL ? v->link_label : "Link");
    }
    st = render_pair(tpl, "notice", &t, text, html, err);
    arena_fini(&a);
    return st;
}

/* ------------------------------------------------------------------ */
/* Rendering once for many recipients (see digest.h)                   */
/* ------------------------------------------------------------------ */

/* Topic sets in use at once; a run with more only renders more often. */
#define DIGEST_CACHE_SLOTS 64
/* Stand-in: "@" + 16 random hex digits + "@" + one of N P U. Neither
 * escaping mode changes it, and no feed or form can guess it. */
#define MARK_LEN 18

/* A part of the bodies ready to be sent: quoted-printable is line-local
 * (RFC 2045 6.7: soft breaks and the rules for blanks, '.' and "From "
 * look no further than the line), so the lines without a stand-in are
 * encoded once, and only the few with one are spliced and encoded per
 * recipient. Segments point into data: encoded bytes, or a raw line
 * followed by a NUL. */
#define PLAN_MAX_SEGS 32

struct plan_seg {
    bool raw;
    size_t off, len; /* in data; len without the NUL of a raw line */
};

struct part_plan {
    bool ok; /* false: too many segments or not UTF-8, splice instead */
    struct buf data;
    struct plan_seg seg[PLAN_MAX_SEGS];
    size_t n;
};

struct cache_slot {
    bool used;
    uint64_t hash;    /* of key */
    struct buf key;   /* what the bodies depend on besides the stand-ins */
    struct buf text;  /* rendered with stand-ins */
    struct buf html;
    struct part_plan qtext; /* the same, mostly quoted-printable */
    struct part_plan qhtml;
    const struct tpl_set *tpl;
};

struct digest_cache {
    char mark[MARK_LEN + 1];
    char stand_in[3][MARK_LEN + 2]; /* mark + 'N', 'P', 'U' */
    struct cache_slot slot[DIGEST_CACHE_SLOTS];
    size_t next;        /* slot taken by the next miss */
    struct buf key;     /* scratch */
    struct buf scratch; /* one spliced line */
};

struct digest_cache *
digest_cache_new(void)
{
    struct digest_cache *c = syn_calloc(1, sizeof(*c));
    unsigned char r[8];
    size_t i;

    if (c == NULL)
        return NULL;
    randombytes_buf(r, sizeof(r));
    c->mark[0] = '@';
    sodium_bin2hex(c->mark + 1, 17, r, sizeof(r));
    c->mark[MARK_LEN - 1] = '@';
    c->mark[MARK_LEN] = '\0';
    for (i = 0; i < 3; i++) {
        snprintf(c->stand_in[i], sizeof(c->stand_in[i]), "%s%c", c->mark,
                 "NPU"[i]);
    }
    for (i = 0; i < DIGEST_CACHE_SLOTS; i++) {
        buf_init(&c->slot[i].key, SYN_MAX_MESSAGE_BYTES);
        buf_init(&c->slot[i].text, SYN_MAX_MESSAGE_BYTES);
        buf_init(&c->slot[i].html, SYN_MAX_MESSAGE_BYTES);
        buf_init(&c->slot[i].qtext.data, SYN_MAX_MESSAGE_BYTES);
        buf_init(&c->slot[i].qhtml.data, SYN_MAX_MESSAGE_BYTES);
    }
    buf_init(&c->key, SYN_MAX_MESSAGE_BYTES);
    buf_init(&c->scratch, SYN_MAX_MESSAGE_BYTES);
    return c;
}

void
digest_cache_reset(struct digest_cache *c)
{
    size_t i;

    for (i = 0; c != NULL && i < DIGEST_CACHE_SLOTS; i++) {
        c->slot[i].used = false;
    }
}

void
digest_cache_free(struct digest_cache *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < DIGEST_CACHE_SLOTS; i++) {
        buf_fini(&c->slot[i].key);
        buf_fini(&c->slot[i].text);
        buf_fini(&c->slot[i].html);
        buf_fini(&c->slot[i].qtext.data);
        buf_fini(&c->slot[i].qhtml.data);
    }
    buf_fini(&c->key);
    buf_fini(&c->scratch);
    syn_free(c);
}

/* FNV-1a, 64 bits. */
static uint64_t
hash_bytes(const char *p, size_t n)
{
    uint64_t h = UINT64_C(14695981039346656037);
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* Append to c->key what v's bodies depend on, besides the stand-ins. */
static enum syn_status
cache_key(struct digest_cache *c, const struct digest_view *v)
{
    bool named = v->recipient_name != NULL && v->recipient_name[0] != '\0';
    enum syn_status st;
    size_t i;

    buf_reset(&c->key);
    st = buf_printf(&c->key, "%s\x1f%s\x1f%s\x1f%s\x1f%d", v->site_title,
                    v->site_url, v->heading,
                    v->intro != NULL ? v->intro : "", named);
    for (i = 0; st == SYN_OK && i < v->n_stories; i++) {
        st = buf_append_char(&c->key, '\x1f');
        if (st == SYN_OK) {
            st = buf_append_str(&c->key, v->stories[i].article_url);
        }
    }
    return st;
}

/* Append cached body p to out with the stand-ins replaced by their values
 * escaped for the part (html or text). */
static enum syn_status
splice(const struct digest_cache *c, const char *p, bool html,
       const char *const values[3], struct buf *out)
{
    const char *q;
    enum syn_status st = SYN_OK;

    while (st == SYN_OK && (q = strstr(p, c->mark)) != NULL) {
        const char *which = strchr("NPU", q[MARK_LEN]);
        const char *v;

        st = buf_append(out, p, (size_t)(q - p));
        if (which == NULL || q[MARK_LEN] == '\0') {
            /* not ours after all: keep it as it is */
            if (st == SYN_OK) {
                st = buf_append(out, q, MARK_LEN);
            }
            p = q + MARK_LEN;
            continue;
        }
        v = values[which - "NPU"];
        if (st == SYN_OK && v != NULL) {
            st = html ? tpl_escape_html(out, v, strlen(v))
                      : tpl_escape_text(out, v, strlen(v));
        }
        p = q + MARK_LEN + 1;
    }
    if (st == SYN_OK) {
        st = buf_append_str(out, p);
    }
    return st;
}

/* The slot holding v's bodies, rendered now if no slot does; *out is
 * NULL when v cannot be cached (then render it directly). */
/* Add the encoding of body[from, to) to pl as one segment. */
static enum syn_status
plan_encoded(struct part_plan *pl, const char *from, const char *to)
{
    size_t off = pl->data.len;
    enum syn_status st;

    if (to == from)
        return SYN_OK;
    if (pl->n == PLAN_MAX_SEGS) {
        pl->ok = false;
        return SYN_OK;
    }
    st = mime_qp_encode(&pl->data, from, (size_t)(to - from));
    if (st == SYN_OK) {
        pl->seg[pl->n].raw = false;
        pl->seg[pl->n].off = off;
        pl->seg[pl->n].len = pl->data.len - off;
        pl->n++;
    }
    return st;
}

/* Split body (rendered with stand-ins) into pl's segments: runs of whole
 * lines without a stand-in, encoded; lines with one, raw. */
static enum syn_status
plan_part(const struct digest_cache *c, const struct buf *body,
          struct part_plan *pl)
{
    const char *s = buf_cstr(body), *end = s + body->len, *run = s, *p = s;
    const char *mark = strstr(s, c->mark);
    enum syn_status st = SYN_OK;

    buf_reset(&pl->data);
    pl->n = 0;
    pl->ok = utf8_valid(s, body->len);
    while (st == SYN_OK && pl->ok && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *lend = nl != NULL ? nl + 1 : end;

        if (mark != NULL && mark < lend) {
            size_t off;

            st = plan_encoded(pl, run, p);
            if (st != SYN_OK || !pl->ok)
                break;
            if (pl->n == PLAN_MAX_SEGS) {
                pl->ok = false;
                break;
            }
            off = pl->data.len;
            st = buf_append(&pl->data, p, (size_t)(lend - p));
            if (st == SYN_OK) {
                st = buf_append_char(&pl->data, '\0');
            }
            if (st != SYN_OK)
                break;
            pl->seg[pl->n].raw = true;
            pl->seg[pl->n].off = off;
            pl->seg[pl->n].len = (size_t)(lend - p);
            pl->n++;
            run = lend;
            mark = strstr(lend, c->mark);
        }
        p = lend;
    }
    if (st == SYN_OK && pl->ok) {
        st = plan_encoded(pl, run, end);
    }
    return st;
}

/* Append pl to out: encoded segments as they are, raw lines spliced with
 * values and encoded. */
static enum syn_status
plan_emit(const struct digest_cache *c, const struct part_plan *pl,
          bool html, const char *const values[3], struct buf *scratch,
          struct buf *out)
{
    enum syn_status st = SYN_OK;
    size_t i;

    for (i = 0; st == SYN_OK && i < pl->n; i++) {
        const char *p = pl->data.data + pl->seg[i].off;

        if (!pl->seg[i].raw) {
            st = buf_append(out, p, pl->seg[i].len);
            continue;
        }
        buf_reset(scratch);
        st = splice(c, p, html, values, scratch);
        if (st == SYN_OK) {
            st = mime_qp_encode(out, scratch->len > 0 ? scratch->data : "",
                                scratch->len);
        }
    }
    return st;
}

static enum syn_status
cache_slot_get(struct digest_cache *c, const struct tpl_set *tpl,
               const struct digest_view *v, struct cache_slot **out,
               struct syn_err *err)
{
    struct cache_slot *s = NULL;
    struct digest_view w;
    uint64_t h;
    enum syn_status st;
    size_t i;

    *out = NULL;
    if (c == NULL || v->preferences_url == NULL ||
        v->unsubscribe_url == NULL || v->heading == NULL ||
        v->site_title == NULL || v->site_url == NULL)
        return SYN_OK;
    for (i = 0; i < v->n_stories; i++) {
        if (v->stories[i].article_url == NULL)
            return SYN_OK;
    }
    st = cache_key(c, v);
    if (st != SYN_OK)
        return syn_err_set(err, st, "render: %s", syn_strerror(st));
    h = hash_bytes(c->key.data, c->key.len);
    for (i = 0; i < DIGEST_CACHE_SLOTS; i++) {
        s = &c->slot[i];
        if (s->used && s->hash == h && s->tpl == tpl &&
            s->key.len == c->key.len &&
            memcmp(s->key.data, c->key.data, c->key.len) == 0) {
            *out = s;
            return SYN_OK;
        }
    }
    s = &c->slot[c->next];
    c->next = (c->next + 1) % DIGEST_CACHE_SLOTS;
    s->used = false;
    buf_reset(&s->text);
    buf_reset(&s->html);
    buf_reset(&s->key);
    w = *v;
    if (w.recipient_name != NULL && w.recipient_name[0] != '\0') {
        w.recipient_name = c->stand_in[0];
    }
    w.preferences_url = c->stand_in[1];
    w.unsubscribe_url = c->stand_in[2];
    st = digest_render(tpl, &w, &s->text, &s->html, err);
    if (st == SYN_OK) {
        st = buf_append(&s->key, c->key.data, c->key.len);
    }
    if (st == SYN_OK) {
        st = plan_part(c, &s->text, &s->qtext);
    }
    if (st == SYN_OK) {
        st = plan_part(c, &s->html, &s->qhtml);
    }
    if (st != SYN_OK)
        return syn_err_set(err, st, "render: %s", syn_strerror(st));
    s->hash = h;
    s->tpl = tpl;
    s->used = true;
    *out = s;
    return SYN_OK;
}

enum syn_status
digest_render_cached(struct digest_cache *c, const struct tpl_set *tpl,
                     const struct digest_view *v, struct buf *text,
                     struct buf *html, struct syn_err *err)
{
    const char *values[3];
    struct cache_slot *s = NULL;
    size_t tlen = text->len, hlen = html->len;
    enum syn_status st;

    st = cache_slot_get(c, tpl, v, &s, err);
    if (st != SYN_OK)
        return st;
    if (s == NULL)
        return digest_render(tpl, v, text, html, err);
    values[0] = v->recipient_name;
    values[1] = v->preferences_url;
    values[2] = v->unsubscribe_url;
    st = splice(c, buf_cstr(&s->text), false, values, text);
    if (st == SYN_OK) {
        st = splice(c, buf_cstr(&s->html), true, values, html);
    }
    if (st != SYN_OK) {
        buf_truncate(text, tlen);
        buf_truncate(html, hlen);
        return syn_err_set(err, st, "render: %s", syn_strerror(st));
    }
    return SYN_OK;
}

/* The bodies of v, quoted-printable encoded (*encoded = true) from a
 * slot's plans when they can be, else as digest_render_cached() gives
 * them (*encoded = false). On failure both bufs are unchanged. */
static enum syn_status
render_encoded(struct digest_cache *c, const struct tpl_set *tpl,
               const struct digest_view *v, struct buf *text,
               struct buf *html, bool *encoded, struct syn_err *err)
{
    const char *values[3];
    struct cache_slot *s = NULL;
    size_t tlen = text->len, hlen = html->len, i;
    enum syn_status st;

    *encoded = false;
    st = cache_slot_get(c, tpl, v, &s, err);
    if (st != SYN_OK)
        return st;
    values[0] = v->recipient_name;
    values[1] = v->preferences_url;
    values[2] = v->unsubscribe_url;
    for (i = 0; s != NULL && i < 3; i++) {
        if (values[i] != NULL && !utf8_valid(values[i], strlen(values[i]))) {
            s = NULL; /* mime_build() will say what is wrong */
        }
    }
    if (s == NULL || !s->qtext.ok || !s->qhtml.ok)
        return digest_render_cached(c, tpl, v, text, html, err);
    st = plan_emit(c, &s->qtext, false, values, &c->scratch, text);
    if (st == SYN_OK) {
        st = plan_emit(c, &s->qhtml, true, values, &c->scratch, html);
    }
    if (st != SYN_OK) {
        buf_truncate(text, tlen);
        buf_truncate(html, hlen);
        return syn_err_set(err, st, "render: %s", syn_strerror(st));
    }
    *encoded = true;
    return SYN_OK;
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
    if (st == SYN_OK) {
        st = token_sign(id->key, id->key_len, (enum token_purpose)purpose,
                        subject, expires, out, err);
    }
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
    if (n > 100) {
        n = 100;
    }
    snprintf(out, 128, "digest.%.*s", (int)n, h);
    if (n == 0) {
        snprintf(out, 128, "digest.localhost");
    }
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
    return digest_compose_cached(NULL, id, r, frequency_name, stories, n, now,
                                 out, err);
}

enum syn_status
digest_compose_cached(struct digest_cache *c, const struct mail_identity *id,
                      const struct mail_recipient *r,
                      const char *frequency_name,
                      const struct digest_story *stories, size_t n,
                      int64_t now, struct buf *out, struct syn_err *err)
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
    if (st == SYN_OK) {
        st = digest_signed_link(id, "/preferences", TOKEN_PREFERENCES, r->id,
                                now + DIGEST_PREFERENCES_TTL_S, &prefs, err);
    }
    if (st == SYN_OK) {
        st = digest_signed_link(id, "/unsubscribe", TOKEN_UNSUBSCRIBE, r->id,
                                now + DIGEST_UNSUBSCRIBE_TTL_S, &unsub, err);
    }
    if (st == SYN_OK) {
        st = buf_printf(&mailto, "mailto:%s?subject=unsubscribe",
                        m.reply_to != NULL ? m.reply_to : from_addr);
    }
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
        st = render_encoded(c, id->templates, &v, &text, &html, &m.encoded,
                            err);
    }
    if (st == SYN_OK) {
        st = buf_printf(&subject, "%s: %s (%zu new %s)", id->site_title,
                        heading, n, n == 1 ? "story" : "stories");
    }
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
    if (st == SYN_OK) {
        st = digest_signed_link(id, "/subscribe/confirm", TOKEN_CONFIRM, r->id,
                                now + DIGEST_CONFIRM_TTL_S, &link, err);
    }
    if (st == SYN_OK) {
        memset(&v, 0, sizeof(v));
        v.site_title = id->site_title;
        v.site_url = id->base_url;
        v.recipient_name = r->name;
        v.confirm_url = buf_cstr(&link);
        v.valid_days = DIGEST_CONFIRM_TTL_S / 86400;
        st = digest_render_confirm(id->templates, &v, &text, &html, err);
    }
    if (st == SYN_OK) {
        st = buf_printf(&subject, "%s: please confirm your subscription",
                        id->site_title);
    }
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
    if (st == SYN_OK) {
        st = digest_render_notice(id->templates, v, &text, &html, err);
    }
    if (st == SYN_OK) {
        m.to_name = r->name;
        m.to_addr = r->email;
        m.subject = subject;
        m.date = now;
        m.auto_submitted = true;
        if (v->reply_to != NULL) {
            m.reply_to = v->reply_to;
        }
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
    if (st == SYN_OK) {
        st = digest_signed_link(id, "/unsubscribe", TOKEN_UNSUBSCRIBE, r->id,
                                now + DIGEST_UNSUBSCRIBE_TTL_S, &unsub, err);
    }
    if (st == SYN_OK) {
        st = buf_printf(&body,
                        "Someone, hopefully you, asked to join the partner "
                        "mailing list of %s with this address. It is "
                        "already subscribed: nothing has changed.\n\n"
                        "To change your topics or how often you hear from "
                        "us, use the link below. To stop receiving our "
                        "mail: %s",
                        id->site_title, buf_cstr(&unsub));
    }
    if (st == SYN_OK) {
        st = buf_printf(&subject, "%s: you are already subscribed",
                        id->site_title);
    }
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
