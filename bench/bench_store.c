/* Store benchmark driver (built by bench_store.sh against libsyndic.a).
 *
 *   bench_store DIR N
 *
 * Ingests N generated items (Latin, Cyrillic and CJK words) through
 * store_item_upsert() in transactions of 50 (one feed's worth), runs search
 * queries and page walks, and writes the same work as plain SQL scripts
 * (DIR/anchor_ingest.sql, DIR/anchor_search.sql) for the sqlite3 shell
 * against DIR/anchor.db, the anchor. Prints "name seconds count" lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "util/buf.h"

/* A vocabulary of generated words in three scripts, so that a term
 * matches a realistic share of the items (about 2% each), not all. */
#define N_WORDS 3000
static char words[N_WORDS][16];

static void
make_words(void)
{
    static const char *const latin[] = {"ka", "lo", "mi", "re", "tu", "sa",
                                        "ne", "vo", "di", "ba", "go", "pe"};
    static const char *const cyr[] = {"ка", "ло", "ми", "ре", "ту", "са",
                                      "не", "во", "ди", "ба", "го", "пе"};
    int i;

    for (i = 0; i < N_WORDS; i++) {
        int a = i % 12, b = (i / 12) % 12, c = (i / 144) % 12;

        if (i % 3 == 0) {
            snprintf(words[i], sizeof(words[i]), "%s%s%s", latin[a], latin[b],
                     latin[c]);
        } else if (i % 3 == 1) {
            snprintf(words[i], sizeof(words[i]), "%s%s%s", cyr[a], cyr[b],
                     cyr[c]);
        } else {
            /* Two CJK ideographs from U+4E00 on: 3 bytes each. */
            unsigned cp1 = 0x4E00 + (unsigned)(i % 700);
            unsigned cp2 = 0x5E00 + (unsigned)(i / 700 * 37 % 700);

            snprintf(words[i], sizeof(words[i]), "%c%c%c%c%c%c",
                     0xE0 | (cp1 >> 12), 0x80 | ((cp1 >> 6) & 0x3F),
                     0x80 | (cp1 & 0x3F), 0xE0 | (cp2 >> 12),
                     0x80 | ((cp2 >> 6) & 0x3F), 0x80 | (cp2 & 0x3F));
        }
    }
}

#define BATCH 50
#define N_QUERIES 1000
#define N_PAGES 2000

static uint32_t rng = 12345;

static uint32_t
next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sentence(char *out, size_t cap, int n)
{
    size_t len = 0;
    int i;

    out[0] = '\0';
    for (i = 0; i < n; i++) {
        int k = snprintf(out + len, cap - len, "%s%s", i ? " " : "",
                         words[next_rand() % N_WORDS]);
        if (k < 0 || (size_t)k >= cap - len)
            break;
        len += (size_t)k;
    }
}

static void
die(const char *what, const struct syn_err *err)
{
    fprintf(stderr, "bench_store: %s: %s\n", what, err->msg);
    exit(1);
}

int
main(int argc, char **argv)
{
    char path[4096], title[256], text[2048], guid[32], url[64], hash[32];
    struct store *s = NULL, *anchor = NULL;
    struct store_source src;
    struct store_item it;
    struct store_item_query q;
    struct store_item_list *list = NULL;
    struct syn_err err;
    struct buf t1, t2;
    FILE *ing, *sea;
    int64_t sid = 0;
    double t0;
    long n, i, hits = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: bench_store DIR N\n");
        return 2;
    }
    n = strtol(argv[2], NULL, 10);
    make_words();
    snprintf(path, sizeof(path), "%s/store.db", argv[1]);
    if (store_open(path, &s, &err) != SYN_OK ||
        store_migrate(s, NULL, &err) != SYN_OK) {
        die("open", &err);
    }
    snprintf(path, sizeof(path), "%s/anchor.db", argv[1]);
    if (store_open(path, &anchor, &err) != SYN_OK ||
        store_migrate(anchor, NULL, &err) != SYN_OK) {
        die("open anchor", &err);
    }
    store_close(anchor);
    memset(&src, 0, sizeof(src));
    src.url = "https://example.org/feed";
    if (store_source_add(s, &src, 1, &sid, &err) != SYN_OK) {
        die("source", &err);
    }
    snprintf(path, sizeof(path), "%s/anchor_ingest.sql", argv[1]);
    ing = fopen(path, "w");
    snprintf(path, sizeof(path), "%s/anchor_search.sql", argv[1]);
    sea = fopen(path, "w");
    if (ing == NULL || sea == NULL)
        return 1;
    fprintf(ing, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;\n"
                 "INSERT INTO sources(url, created) VALUES('x', 1);\n");

    /* Ingest: ours, timed; the anchor script gets the same rows. */
    buf_init(&t1, 1 << 20);
    buf_init(&t2, 1 << 20);
    t0 = now_s();
    for (i = 0; i < n; i++) {
        if (i % BATCH == 0 && store_begin(s, &err) != SYN_OK) {
            die("begin", &err);
        }
        sentence(title, sizeof(title), 6);
        sentence(text, sizeof(text), 60);
        snprintf(guid, sizeof(guid), "g%ld", i);
        snprintf(url, sizeof(url), "https://example.org/%ld", i);
        snprintf(hash, sizeof(hash), "h%ld", i);
        memset(&it, 0, sizeof(it));
        it.source_id = sid;
        it.guid = guid;
        it.url = url;
        it.canonical_url = url;
        it.title = title;
        it.text = text;
        it.excerpt_text = text;
        it.content_hash = hash;
        it.published = 1000 + i;
        if (store_item_upsert(s, &it, 100000, NULL, NULL, &err) != SYN_OK) {
            die("upsert", &err);
        }
        if ((i + 1) % BATCH == 0 || i + 1 == n) {
            if (store_commit(s, &err) != SYN_OK) {
                die("commit", &err);
            }
        }
        /* Not timed in a meaningful way: a few us per row to write text. */
        buf_reset(&t1);
        buf_reset(&t2);
        if (store_fts_prepare_text(title, strlen(title), &t1) != SYN_OK ||
            store_fts_prepare_text(text, strlen(text), &t2) != SYN_OK)
            return 1;
        if (i % BATCH == 0) {
            fprintf(ing, "BEGIN;\n");
        }
        fprintf(ing,
                "INSERT INTO items(source_id, guid, url, canonical_url,"
                " title, excerpt_text, published, ingested, sort_time,"
                " content_hash) VALUES(1, '%s', '%s', '%s', '%s', '%s', %ld,"
                " 100000, %ld, '%s');\n"
                "INSERT INTO items_fts(rowid, title, body)"
                " VALUES(last_insert_rowid(), '%s', '%s');\n",
                guid, url, url, title, text, 1000 + i, 1000 + i, hash,
                buf_cstr(&t1), buf_cstr(&t2));
        if ((i + 1) % BATCH == 0 || i + 1 == n) {
            fprintf(ing, "COMMIT;\n");
        }
    }
    printf("ingest %.3f %ld\n", now_s() - t0, n);

    /* Search: one or two words per query. */
    t0 = now_s();
    for (i = 0; i < N_QUERIES; i++) {
        char query[128];
        size_t k;

        snprintf(query, sizeof(query), "%s%s%s", words[next_rand() % N_WORDS],
                 i % 2 ? " " : "", i % 2 ? words[next_rand() % N_WORDS] : "");
        if (store_item_search(s, query, 0, 20, &list, &err) != SYN_OK) {
            die("search", &err);
        }
        hits += (long)list->n;
        store_item_list_free(list);
        buf_reset(&t1);
        if (store_fts_query(query, strlen(query), &t1, &k) != SYN_OK)
            return 1;
        fprintf(sea,
                "SELECT i.id, i.title, i.url, snippet(items_fts, 1, char(1),"
                " char(2), '…', 24) FROM items_fts JOIN items i"
                " ON i.id = items_fts.rowid JOIN sources s"
                " ON s.id = i.source_id WHERE items_fts MATCH '%s'"
                " ORDER BY bm25(items_fts, 4.0, 1.0), i.id LIMIT 21;\n",
                buf_cstr(&t1));
    }
    printf("search %.3f %d\n", now_s() - t0, N_QUERIES);

    /* Pages of 30, walking back with the cursor, restarting at the end. */
    t0 = now_s();
    memset(&q, 0, sizeof(q));
    q.limit = 30;
    for (i = 0; i < N_PAGES; i++) {
        if (store_item_page(s, &q, &list, &err) != SYN_OK) {
            die("page", &err);
        }
        q.before_time = list->more ? list->next_time : 0;
        q.before_id = list->more ? list->next_id : 0;
        store_item_list_free(list);
    }
    printf("pages %.3f %d\n", now_s() - t0, N_PAGES);
    fprintf(stderr, "bench_store: %ld search hits\n", hits);
    buf_fini(&t1);
    buf_fini(&t2);
    fclose(ing);
    fclose(sea);
    store_close(s);
    return 0;
}
