/* A small site for the web tests, written through the store API (so the
 * search index is built as in production): partners, sources, topics,
 * items in English, Arabic, Chinese and Russian, a hostile title, a
 * cluster of the same story from two sources, and enough items for two
 * home pages. Header-only: each test_*.c is its own executable. */
#ifndef SYNDIC_TESTS_WEB_SITEDATA_H
#define SYNDIC_TESTS_WEB_SITEDATA_H

#include <stdio.h>
#include <string.h>

#include "store/store.h"

#define SITE_T0 ((int64_t)1764400000) /* 2025-11-29, a fixed clock */
#define SITE_FILLER 24                /* plain items beyond the fixtures */

struct site_item {
    const char *title, *language, *authors, *excerpt_html, *excerpt_text;
    const char *image, *text;
    int source; /* index into the sources added below */
};

static const struct site_item site_items[] = {
    {"Rivers rise as rains return", "en", "[\"Ana Lima\",\"Bo Chen\"]",
     "<p>The <em>rivers</em> of the valley rose again.</p>",
     "The rivers of the valley rose again.",
     "https://img.example.org/river.jpg",
     "The rivers of the valley rose again after weeks of rain.", 0},
    {"Rivers rise as rains return, says agency", "en", NULL,
     "<p>An agency report on the rivers.</p>",
     "An agency report on the rivers.", NULL,
     "An agency report on the rivers of the valley.", 1},
    {"\xd8\xa7\xd9\x84\xd9\x85\xd9\x86\xd8\xa7\xd8\xae \xd9\x88\xd8\xa7\xd9"
     "\x84\xd9\x85\xd8\xa7\xd8\xa1",
     "ar", NULL,
     "<p>\xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1 \xd8\xb9\xd9\x86 \xd8\xa7"
     "\xd9\x84\xd9\x85\xd8\xa7\xd8\xa1</p>",
     "\xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1 \xd8\xb9\xd9\x86 \xd8\xa7\xd9"
     "\x84\xd9\x85\xd8\xa7\xd8\xa1",
     NULL,
     "\xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1 \xd8\xb9\xd9\x86 \xd8\xa7\xd9"
     "\x84\xd9\x85\xd8\xa7\xd8\xa1 \xd9\x88\xd8\xa7\xd9\x84\xd9\x85\xd9\x86"
     "\xd8\xa7\xd8\xae",
     2},
    {"\xe5\x8c\x97\xe4\xba\xac\xe7\x9a\x84\xe6\xb0\xb4\xe8\xb5\x84\xe6\xba"
     "\x90",
     "zh", NULL,
     "<p>\xe5\x8c\x97\xe4\xba\xac\xe6\x96\xb0\xe9\x97\xbb"
     "</p>",
     "\xe5\x8c\x97\xe4\xba\xac\xe6\x96\xb0\xe9\x97\xbb", NULL,
     "\xe4\xbb\x8a\xe5\xa4\xa9\xe5\x8c\x97\xe4\xba\xac\xe7\x9a\x84\xe6\xb0"
     "\xb4\xe8\xb5\x84\xe6\xba\x90\xe6\x8a\xa5\xe5\x91\x8a",
     2},
    {"\xd0\x92\xd0\xbe\xd0\xb4\xd0\xb0 \xd0\xb8 \xd0\xba\xd0\xbb\xd0\xb8\xd0"
     "\xbc\xd0\xb0\xd1\x82",
     "ru", NULL,
     "<p>\xd0\x9e\xd1\x82\xd1\x87\xd1\x91"
     "\xd1\x82</p>",
     "\xd0\x9e\xd1\x82\xd1\x87\xd1\x91\xd1\x82", NULL,
     "\xd0\x94\xd0\xbe\xd0\xba\xd0\xbb\xd0\xb0\xd0\xb4 \xd0\xbe \xd0\xb2\xd0"
     "\xbe\xd0\xb4\xd0\xb5 \xd0\xb8 \xd0\xba\xd0\xbb\xd0\xb8\xd0\xbc\xd0\xb0"
     "\xd1\x82\xd0\xb5",
     1},
    {"<script>alert('t')</script> & \"quotes\" </title>", "en", NULL,
     "<p>Safe &lt;b&gt; text</p>", "Safe <b> text </script>",
     "https://img.example.org/x.jpg?a=1&b=\"2\"", "hostile title test", 0},
};

/* Write the site into s. SYN_OK or the first failure (err says why). */
static inline enum syn_status
site_populate(struct store *s, struct syn_err *err)
{
    struct store_partner p;
    struct store_source src;
    int64_t partner = 0, sources[3], ids[SYN_ARRAY_LEN(site_items)], id;
    const char *climate[] = {"climate", "water"};
    const char *health[] = {"health"};
    enum syn_status st;
    char guid[64], url[128];
    size_t i;

    memset(&p, 0, sizeof(p));
    p.slug = "river-network";
    p.name = "River Network";
    p.url = "https://rivers.example.org/";
    p.description = "A network of river newsrooms.";
    st = store_partner_add(s, &p, SITE_T0, &partner, err);
    if (st == SYN_OK) {
        p.slug = "quiet-partner";
        p.name = "Quiet Partner";
        p.url = NULL;
        p.description = NULL;
        st = store_partner_add(s, &p, SITE_T0, NULL, err);
    }
    for (i = 0; i < 3 && st == SYN_OK; i++) {
        static const char *const titles[] = {"Valley Times", "Agency Wire",
                                             NULL};
        static const char *const urls[] = {
            "https://valley.example.org/feed.xml",
            "https://wire.example.net/rss", "https://world.example.com/atom"};
        static const char *const sites[] = {"https://valley.example.org/", NULL,
                                            "https://world.example.com/"};

        memset(&src, 0, sizeof(src));
        src.url = (char *)urls[i];
        src.site_url = (char *)sites[i];
        src.title = (char *)titles[i];
        src.partner_id = i == 0 ? partner : 0;
        src.enabled = true;
        st = store_source_add(s, &src, SITE_T0, &sources[i], err);
    }
    if (st == SYN_OK)
        st = store_source_set_topics(s, sources[0], climate, 2, err);
    if (st == SYN_OK)
        st = store_source_set_topics(s, sources[1], health, 1, err);
    if (st == SYN_OK)
        st = store_topic_upsert(s, "climate", "Climate", NULL, err);
    if (st == SYN_OK)
        st = store_topic_upsert(s, "water", "Water", NULL, err);
    if (st == SYN_OK)
        st = store_topic_upsert(s, "health", "Health", NULL, err);
    /* Filler first, so the fixtures are the newest. */
    for (i = 0; i < SITE_FILLER && st == SYN_OK; i++) {
        struct store_item it;
        char title[64];

        memset(&it, 0, sizeof(it));
        snprintf(guid, sizeof(guid), "filler-%zu", i);
        snprintf(url, sizeof(url), "https://valley.example.org/n/%zu", i);
        snprintf(title, sizeof(title), "Filler story number %zu", i);
        it.source_id = sources[i % 2];
        it.guid = guid;
        it.url = url;
        it.canonical_url = url;
        it.title = title;
        it.published = SITE_T0 - 86400 * 10 + (int64_t)i * 60;
        it.content_hash = guid;
        it.excerpt_html = "<p>Filler.</p>";
        it.excerpt_text = "Filler.";
        it.text = "filler text";
        st = store_item_upsert(s, &it, SITE_T0, NULL, &id, err);
    }
    for (i = 0; i < SYN_ARRAY_LEN(site_items) && st == SYN_OK; i++) {
        const struct site_item *f = &site_items[i];
        struct store_item it;

        memset(&it, 0, sizeof(it));
        snprintf(guid, sizeof(guid), "fixture-%zu", i);
        snprintf(url, sizeof(url), "https://source%d.example.org/story/%zu",
                 f->source, i);
        it.source_id = sources[f->source];
        it.guid = guid;
        it.url = url;
        it.canonical_url = url;
        it.title = (char *)f->title;
        it.authors = (char *)f->authors;
        it.published =
            SITE_T0 - 3600 * (int64_t)(SYN_ARRAY_LEN(site_items) - i);
        it.updated = it.published + 60;
        it.excerpt_html = (char *)f->excerpt_html;
        it.excerpt_text = (char *)f->excerpt_text;
        it.image = (char *)f->image;
        it.language = (char *)f->language;
        it.text = (char *)f->text;
        it.content_hash = guid;
        st = store_item_upsert(s, &it, SITE_T0, NULL, &ids[i], err);
    }
    /* Items 0 and 1 are the same story from two sources. */
    if (st == SYN_OK)
        st = store_cluster_assign(s, ids[1], ids[0], SITE_T0, NULL, err);
    return st;
}

#endif
