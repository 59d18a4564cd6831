/* The feed model's lifecycle and its JSON form (see item.h).
 *
 * JSON is written by hand rather than through jansson builders: the model's
 * strings are already valid UTF-8, so escaping is a single pass over runs
 * of plain bytes, and `syndic parse` stays as fast as the parser. */
#include "feed/item.h"

#include <stdio.h>
#include <string.h>

#include "util/mem.h"

void
feed_free(struct feed *f)
{
    if (f == NULL)
        return;
    arena_fini(&f->arena);
    syn_free(f);
}

const char *
feed_format_name(enum feed_format fmt)
{
    switch (fmt) {
    case FEED_FORMAT_RSS09X:
        return "rss0.9x";
    case FEED_FORMAT_RSS10:
        return "rss1.0";
    case FEED_FORMAT_RSS20:
        return "rss2.0";
    case FEED_FORMAT_ATOM03:
        return "atom0.3";
    case FEED_FORMAT_ATOM10:
        return "atom1.0";
    case FEED_FORMAT_JSON10:
        return "json1.0";
    case FEED_FORMAT_JSON11:
        return "json1.1";
    case FEED_FORMAT_UNKNOWN:
        break;
    }
    return "unknown";
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* A byte written as it is inside a JSON string. */
static bool
json_plain(unsigned char c)
{
    return c >= 0x20 && c != '"' && c != '\\';
}

/* A JSON string literal for s (valid UTF-8), or null. */
static enum syn_status
json_str(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *run, *end;
    enum syn_status st;

    if (s == NULL)
        return buf_append(b, "null", 4);
    end = p + strlen(s);
    if ((st = buf_append_char(b, '"')) != SYN_OK)
        return st;
    run = p;
    while (p < end) {
        const char *esc = NULL;
        char u[6];

        /* skip 8 plain bytes at a time: no control, quote or backslash;
         * a word that fails holds the next byte to escape, so that the
         * byte loop after it stops within 8 bytes (retrying a word at
         * each byte before it was half of this function's time) */
        while (end - p >= 8) {
            uint64_t w, q, bs;

            memcpy(&w, p, sizeof(w));
            q = w ^ (ONES * '"');
            bs = w ^ (ONES * '\\');
            if ((((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) |
                 ((bs - ONES) & ~bs)) &
                HIGHS)
                break;
            p += 8;
        }
        while (p < end && json_plain(*p)) {
            p++;
        }
        if (p == end)
            break;
        if ((st = buf_append(b, run, (size_t)(p - run))) != SYN_OK)
            return st;
        switch (*p) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            u[0] = '\\';
            u[1] = 'u';
            u[2] = '0';
            u[3] = '0';
            u[4] = hex[*p >> 4];
            u[5] = hex[*p & 15];
            break;
        }
        st = esc != NULL ? buf_append(b, esc, 2) : buf_append(b, u, 6);
        if (st != SYN_OK)
            return st;
        run = ++p;
    }
    if ((st = buf_append(b, run, (size_t)(end - run))) != SYN_OK)
        return st;
    return buf_append_char(b, '"');
}

static enum syn_status
json_key(struct buf *b, const char *key, bool first)
{
    enum syn_status st;

    if (!first && (st = buf_append_char(b, ',')) != SYN_OK)
        return st;
    if ((st = buf_append_char(b, '"')) != SYN_OK)
        return st;
    if ((st = buf_append_str(b, key)) != SYN_OK)
        return st;
    return buf_append(b, "\":", 2);
}

static enum syn_status
json_kv(struct buf *b, const char *key, const char *val)
{
    enum syn_status st = json_key(b, key, false);

    return st != SYN_OK ? st : json_str(b, val);
}

static enum syn_status
json_time(struct buf *b, const char *key, struct syn_time t)
{
    char s[TIME_RFC3339_LEN];

    if (!t.known || time_format_rfc3339(t.unix_s, s) == 0)
        return json_kv(b, key, NULL);
    return json_kv(b, key, s);
}

static enum syn_status
json_strings(struct buf *b, const char *key, const struct feed_strings *l)
{
    enum syn_status st;
    size_t i;

    if ((st = json_key(b, key, false)) != SYN_OK)
        return st;
    if ((st = buf_append_char(b, '[')) != SYN_OK)
        return st;
    for (i = 0; i < l->n; i++) {
        if (i > 0 && (st = buf_append_char(b, ',')) != SYN_OK)
            return st;
        if ((st = json_str(b, l->v[i])) != SYN_OK)
            return st;
    }
    return buf_append_char(b, ']');
}

static enum syn_status
json_item(struct buf *b, const struct feed_item *it)
{
    enum syn_status st;
    size_t i;

#define TRY(x)                                                                 \
    do {                                                                       \
        if ((st = (x)) != SYN_OK)                                              \
            return st;                                                         \
    } while (0)
    TRY(buf_append_char(b, '{'));
    TRY(json_key(b, "id", true));
    TRY(json_str(b, it->id));
    TRY(json_kv(b, "url", it->url));
    TRY(json_kv(b, "title", it->title));
    TRY(json_strings(b, "authors", &it->authors));
    TRY(json_time(b, "published", it->published));
    TRY(json_time(b, "updated", it->updated));
    TRY(json_kv(b, "summary_html", it->summary_html));
    TRY(json_kv(b, "content_html", it->content_html));
    TRY(json_kv(b, "excerpt_html", it->excerpt_html));
    TRY(json_kv(b, "excerpt_text", it->excerpt_text));
    TRY(json_kv(b, "image", it->image));
    TRY(json_strings(b, "categories", &it->categories));
    TRY(json_kv(b, "language", it->language));
    TRY(json_key(b, "enclosures", false));
    TRY(buf_append_char(b, '['));
    for (i = 0; i < it->n_enclosures; i++) {
        const struct feed_enclosure *e = &it->enclosures[i];

        TRY(buf_append_str(b, i > 0 ? ",{" : "{"));
        TRY(json_key(b, "url", true));
        TRY(json_str(b, e->url));
        TRY(json_kv(b, "type", e->type));
        TRY(json_key(b, "length", false));
        if (e->length >= 0) {
            TRY(buf_printf(b, "%lld", (long long)e->length));
        } else {
            TRY(buf_append_str(b, "null"));
        }
        TRY(buf_append_char(b, '}'));
    }
    TRY(buf_append(b, "]}", 2));
    return SYN_OK;
}

static enum syn_status
json_feed(struct buf *b, const struct feed *f)
{
    const struct feed_item *it;
    enum syn_status st;

    TRY(buf_append_char(b, '{'));
    TRY(json_key(b, "format", true));
    TRY(json_str(b, feed_format_name(f->format)));
    TRY(json_key(b, "bozo", false));
    TRY(buf_append_str(b, f->bozo ? "true" : "false"));
    TRY(json_strings(b, "errors", &f->errors));
    TRY(json_kv(b, "encoding", f->encoding));
    TRY(json_kv(b, "title", f->title));
    TRY(json_kv(b, "link", f->link));
    TRY(json_kv(b, "description", f->description));
    TRY(json_kv(b, "language", f->language));
    TRY(json_time(b, "updated", f->updated));
    TRY(json_kv(b, "image", f->image));
    TRY(json_key(b, "items", false));
    TRY(buf_append_char(b, '['));
    for (it = f->items; it != NULL; it = it->next) {
        if (it != f->items) {
            TRY(buf_append_char(b, ','));
        }
        TRY(json_item(b, it));
    }
    TRY(buf_append(b, "]}", 2));
#undef TRY
    return SYN_OK;
}

enum syn_status
feed_to_json(const struct feed *f, struct buf *out)
{
    size_t mark = out->len;
    enum syn_status st = json_feed(out, f);

    if (st != SYN_OK && out->data != NULL) {
        buf_truncate(out, mark);
    }
    return st;
}
