/* Every bound syndic puts on input, named once, with why that number.
 * Past a limit the code returns SYN_ETOOBIG (413 on the web), or truncates
 * where a comment says "NOTE: truncates, SYN_MAX_...". */
#ifndef SYNDIC_UTIL_LIMITS_H
#define SYNDIC_UTIL_LIMITS_H

/* Feeds. The largest real feeds seen are a few MB (podcasts with years of
 * episodes); 16 MiB leaves room while bounding memory per fetch. */
#define SYN_MAX_FEED_BYTES (16u * 1024 * 1024)
/* Items kept from one document: no real feed carries more than a few
 * thousand; beyond that it is a dump or an attack. */
#define SYN_MAX_ITEMS 5000
/* One text field (title, content): a long article is ~200 KB of HTML. */
#define SYN_MAX_FIELD_BYTES (1024u * 1024)
/* Text before the XML of a feed that is skipped (a PHP warning printed
 * ahead of the document, a stray line): such noise is a few hundred
 * bytes; past this, the document is not looked into for its start. */
#define SYN_MAX_FEED_PREAMBLE_BYTES (64u * 1024)
/* XML element nesting: feeds nest < 10 deep; XHTML content a few dozen. */
#define SYN_MAX_XML_DEPTH 256
/* Attributes on one element. */
#define SYN_MAX_XML_ATTRS 64
/* Authors, categories, enclosures per item. */
#define SYN_MAX_ITEM_LIST 64
/* Recovered-problem lines kept per parsed feed: enough to diagnose a feed,
 * bounded for one that is an error on every line. */
#define SYN_MAX_FEED_ERRORS 32
/* Entities a feed's internal DTD subset may declare, and the bytes of one
 * replacement text: declarations are rare in feeds and never recursive
 * (replacement text is used literally, so no billion laughs). */
#define SYN_MAX_XML_ENTITIES 64
#define SYN_MAX_XML_ENTITY_BYTES 4096

/* HTML. Browsers cap nesting around 512; readable articles stay < 50. */
#define SYN_MAX_HTML_DEPTH 128
#define SYN_MAX_HTML_BYTES (2u * 1024 * 1024)
/* Nesting seen by a naive pre-scan of HTML before gumbo parses it: gumbo's
 * cost grows with the square of the depth (its scope checks walk the open
 * elements), 512 costs it well under a second on 2 MiB; anything that deep
 * is cut there (SYN_MAX_HTML_DEPTH keeps far less anyway). */
#define SYN_MAX_HTML_SCAN_DEPTH 512
/* gumbo parse errors recorded before it stops collecting them. */
#define SYN_MAX_HTML_ERRORS 100
/* Attributes on one element that html/fastparse takes: real feed markup has
 * a handful (img with src, srcset, sizes, alt, width, height, class, lazy
 * data-*); an element with more is left to gumbo, which has no bound. */
#define SYN_MAX_HTML_FAST_ATTRS 32
/* Formatting elements (b, i, a...) the HTML fast parser keeps while a
 * block's closing has popped them and gumbo would reopen them: the
 * usual case is one (<p><a><h2>: the <a> around a heading); past 8 the
 * fast parser refuses and gumbo parses. */
#define SYN_MAX_HTML_FAST_PENDING 8

/* Feeds announced by one page: real pages list 1-5 (site, comments,
 * categories); a page with hundreds is a spam farm. */
#define SYN_MAX_DISCOVER_FEEDS 64

/* URLs: browsers and servers commonly reject beyond 8 KB. */
#define SYN_MAX_URL_BYTES 8192

/* Web. */
#define SYN_MAX_REQ_BODY (64u * 1024)   /* forms are small */
#define SYN_MAX_PARAMS 64               /* fields in a query or form */
#define SYN_MAX_QUERY_BYTES 4096        /* a search query */
/* Form fields (subscribe, partner inquiry). An inquiry message may be
 * SYN_MAX_INQUIRY_CHARS characters of up to 4 bytes each; one-line fields
 * (names, organizations, countries) fit any real name in 200 bytes; a
 * website address longer than 2 KB is not one a person types. Rate limits:
 * a person subscribes or writes a handful of times an hour; an office
 * behind one address may hold several people. */
#define SYN_MAX_INQUIRY_CHARS 5000
#define SYN_MAX_FORM_VALUE_BYTES (4u * SYN_MAX_INQUIRY_CHARS)
#define SYN_MAX_FORM_LINE_BYTES 200
#define SYN_MAX_FORM_URL_BYTES 2048
#define SYN_FORM_RATE_WINDOW_S 3600
#define SYN_FORM_RATE_PER_IP 10
#define SYN_FORM_RATE_PER_ADDRESS 3
#define SYN_MAX_CONNECTIONS 1024        /* open sockets */
/* Per-connection buffers (request line, headers, response headers).
 * libmicrohttpd zeroes this pool between two requests of a keep-alive
 * connection, so its size is paid on every request: 16 KiB holds the 8 KB
 * of headers browsers send at most, plus our response headers. Larger
 * headers get 431. */
#define SYN_CONN_MEMORY_BYTES (16u * 1024)
#define SYN_CONN_TIMEOUT_S 15           /* idle or slow clients */

/* Web server. A request line plus headers beyond 8 KB is not a browser
 * (nginx's large_client_header_buffers default); MHD's per-connection
 * memory (SYN_CONN_MEMORY_BYTES) holds them and is the real cap. */
#define SYN_MAX_PATH_BYTES 2048         /* decoded path of a request */
#define SYN_MAX_SLUG_BYTES 200          /* topic/source slugs in URLs */
#define SYN_MAX_PAGE_BYTES (4u * 1024 * 1024) /* a rendered page or feed */
#define SYN_REQ_ARENA_BYTES (8u * 1024 * 1024) /* arena cap per request */
/* Rendered responses kept in memory; past either bound the cache is
 * emptied (a page is ~20 KB, so 64 MiB is thousands of pages). */
#define SYN_CACHE_MAX_ENTRIES 4096
#define SYN_CACHE_MAX_BYTES (64u * 1024 * 1024)
/* Items on one listing page and in feeds out (RSS readers show ~20-50). */
#define SYN_PAGE_ITEMS 20
#define SYN_FEED_ITEMS 50
/* Articles listed in /sitemap.xml, newest first (NOTE: truncates): the
 * protocol allows 50000 per file, but one page must fit the request arena
 * (SYN_REQ_ARENA_BYTES) and SYN_MAX_PAGE_BYTES; 10000 URLs are ~1 MB. */
#define SYN_SITEMAP_ITEMS 10000
#define SYN_MAX_THREADS 64              /* server thread pool */

/* Templates: a theme file is a few KB; nesting beyond 32 is a bug or a
 * recursion between partials. */
#define SYN_MAX_TPL_BYTES (512u * 1024)
#define SYN_MAX_TPL_DEPTH 32

/* Fetching. */
#define SYN_FETCH_TIMEOUT_MS 30000
#define SYN_FETCH_CONNECT_TIMEOUT_MS 10000
#define SYN_MAX_REDIRECTS 5
/* Default concurrency of one fetch run: 16 transfers keep a 2-core box
 * busy on slow servers without a burst of sockets; 2 per host is what
 * HTTP/1.1 clients have long been asked to keep to (RFC 2616 8.1.4). */
#define SYN_FETCH_MAX_TOTAL 16
#define SYN_FETCH_MAX_PER_HOST 2
/* A Retry-After longer than a week is a misconfiguration, not a plan. */
#define SYN_FETCH_MAX_RETRY_AFTER_S (7L * 24 * 3600)

/* OPML: subscription lists of the biggest readers hold a few thousand
 * feeds in well under 4 MiB. */
#define SYN_MAX_OPML_BYTES (4u * 1024 * 1024)
#define SYN_MAX_OPML_FEEDS 10000
/* Folder nesting in OPML: real lists nest 1-3 deep. */
#define SYN_MAX_OPML_DEPTH 32

/* Config: a line of an INI file. */
#define SYN_MAX_CONFIG_BYTES (1024u * 1024)

/* Store. A connection waits this long for another writer before failing:
 * far above any write syndic makes (milliseconds), yet bounded. */
#define SYN_STORE_BUSY_TIMEOUT_MS 5000
/* Page cache of a store connection: SQLite's own default (2 MB). The web
 * threads, the mailer and the scheduler each have a connection, and the
 * operating system caches the file anyway. */
#define SYN_STORE_CACHE_BYTES (2u * 1024 * 1024)
/* Search: people type a few words; more terms are abuse and cost a join
 * each. One term fits a long word, a URL or a CJK sentence. */
#define SYN_MAX_SEARCH_TERMS 16
#define SYN_MAX_SEARCH_TERM_BYTES 256
/* Items in one page read: a page is rendered whole; 500 covers feeds out
 * and digests. */
#define SYN_MAX_PAGE_ITEMS 500

/* Store: text of one item given to the full-text index is cut at
 * SYN_MAX_FIELD_BYTES; preparing it (U+200B around each 3-byte CJK
 * character) can triple it, plus room for the title. */
#define SYN_MAX_INDEX_TEXT_BYTES (3u * SYN_MAX_FIELD_BYTES + 4096)

/* Log lines are cut here. */
#define SYN_MAX_LOG_LINE 2048

/* Mail. RFC 5321 section 4.5.3.1.3: a path is at most 256 octets, so an
 * address fits in 254; a token subject is an id or an address. */
#define SYN_MAX_EMAIL_BYTES 254
#define SYN_MAX_TOKEN_SUBJECT 320
/* A token in a URL: base64url of 42 + subject bytes (see util/token.h). */
#define SYN_MAX_TOKEN_BYTES 512
/* RFC 5322 section 2.1.1: a header line SHOULD stay within 78 characters;
 * RFC 2047 section 2 keeps lines with encoded-words within 76, and RFC 2045
 * section 6.7 keeps quoted-printable lines within 76. We fold at 76. */
#define SYN_MAIL_LINE_MAX 76
/* A header value from a user (a name, a subject): a sentence, not a page. */
#define SYN_MAX_HEADER_VALUE 998
/* One composed message: a digest of 50 stories with HTML is ~100 KB; far
 * above that something is wrong. */
#define SYN_MAX_MESSAGE_BYTES (4u * 1024 * 1024)
/* Parallel SMTP connections: MTAs throttle clients that open more than a
 * handful (Postfix's default per-client concurrency is 10). */
#define SYN_MAX_SMTP_CONNECTIONS 16
/* One SMTP transaction, connection included; a slow MTA that takes longer
 * gets a temporary failure and a retry later. */
#define SYN_SMTP_TIMEOUT_MS 60000
#define SYN_SMTP_CONNECT_TIMEOUT_MS 10000
/* The wait for the reply to a message's final ".": RFC 5321 4.5.3.2.6
 * says 10 minutes, because a server may check the message before it
 * answers, and giving up sooner means sending it again later. */
#define SYN_SMTP_DATA_END_TIMEOUT_MS (10 * 60 * 1000)
/* One SMTP reply line: RFC 5321 4.5.3.1.5 allows 512 bytes with its CRLF;
 * twice that for servers that write long texts. A longer line is a
 * protocol error. */
#define SYN_SMTP_REPLY_LINE_BYTES 1024
/* Stories in one digest: more than this is not read anyway. */
#define SYN_MAX_DIGEST_STORIES 50

/* Near-duplicate index (util/simindex.h). Tables of positions by bucket,
 * each keyed on some bits of the fingerprint: at most 45 tables (pairs
 * of 10 blocks, i.e. distance <= 8; at the default 6, 28 tables of
 * 16-bit keys) at 4 bytes per table per entry (112 bytes at d = 6:
 * 22 MB for the 200,000 items of a 10,000-feed first fetch). Single
 * blocks narrower than 6 bits match 1/32 of all entries or more: no
 * faster than a scan. */
#define SYN_SIMINDEX_MAX_TABLES 45
#define SYN_SIMINDEX_MIN_KEY_BITS 6
/* Buckets per table, at most 2^16 (256 KB a table, 7 MB at d = 6, only
 * once there are SYN_SIMINDEX_TAIL_MIN entries): a 16-bit key gets a
 * bucket of its own. */
#define SYN_SIMINDEX_BUCKET_BITS 16u
/* New entries are scanned (16 KB of fingerprints: a microsecond or two)
 * until there are this many, or a 64th of those in the tables, and then
 * the tables are rebuilt: rarely enough that rebuilding stays a small
 * part of the adds (about 60 rebuilds for 200,000 entries). */
#define SYN_SIMINDEX_TAIL_MIN 2048u

/* Ingest worker threads ([fetch] workers): parsing and cleaning are
 * CPU-bound, so more threads than cores only add memory. */
#define SYN_MAX_INGEST_WORKERS 64
/* Fetched feeds parsed ahead of the store, per worker: enough that a
 * worker rarely waits for the store thread, few enough that memory stays
 * at a few parsed feeds per core (a 20-item feed is ~0.5 MB parsed). */
#define SYN_INGEST_QUEUE_PER_WORKER 4
/* Fetched feeds stored in one transaction while the store is behind
 * (app/ingest.c): enough to share a commit's cost (WAL frames of the
 * index pages, a search-index segment) among many feeds, few enough
 * that the write lock is never held long: at most 64 feeds or 500 ms,
 * so a web form's write waits well under its 5 s busy timeout. */
#define SYN_INGEST_GROUP_FEEDS 64
#define SYN_INGEST_GROUP_MS 500
/* Search entries held back until their transaction commits (store/): a
 * 64-feed ingest group's are ~6 MB; past 16 MB they are written at once
 * (a new index segment), so that memory stays bounded. */
#define SYN_MAX_PENDING_INDEX_BYTES (16u * 1024 * 1024)
/* The store's page cache while an ingest runs (store_set_cache_size()):
 * a group's changed pages fit, instead of spilling to the log early
 * (12 % less store-thread time on 2,000 generated feeds than with the
 * 2 MB default; 32 MB gained little more). Back to the default after. */
#define SYN_INGEST_CACHE_BYTES (16u * 1024 * 1024)
/* An ingest's write-ahead log is started over once it holds this many
 * pages (64 MB of 16 KB pages): the store thread copies the last few
 * pages the checkpointer has not, between two transactions, so that the
 * log file stays about this size. */
#define SYN_INGEST_LOG_RESTART_PAGES 4096u

#endif
