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
/* XML element nesting: feeds nest < 10 deep; XHTML content a few dozen. */
#define SYN_MAX_XML_DEPTH 256
/* Attributes on one element. */
#define SYN_MAX_XML_ATTRS 64
/* Authors, categories, enclosures per item. */
#define SYN_MAX_ITEM_LIST 64

/* HTML. Browsers cap nesting around 512; readable articles stay < 50. */
#define SYN_MAX_HTML_DEPTH 128
#define SYN_MAX_HTML_BYTES (2u * 1024 * 1024)
/* gumbo parse errors recorded before it stops collecting them. */
#define SYN_MAX_HTML_ERRORS 100

/* URLs: browsers and servers commonly reject beyond 8 KB. */
#define SYN_MAX_URL_BYTES 8192

/* Web. */
#define SYN_MAX_REQ_BODY (64u * 1024)   /* forms are small */
#define SYN_MAX_PARAMS 64               /* fields in a query or form */
#define SYN_MAX_QUERY_BYTES 4096        /* a search query */
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
/* Sitemap URLs: the protocol allows 50000 per file. */
#define SYN_SITEMAP_ITEMS 50000
#define SYN_MAX_THREADS 64              /* server thread pool */

/* Templates: a theme file is a few KB; nesting beyond 32 is a bug or a
 * recursion between partials. */
#define SYN_MAX_TPL_BYTES (512u * 1024)
#define SYN_MAX_TPL_DEPTH 32

/* Fetching. */
#define SYN_FETCH_TIMEOUT_MS 30000
#define SYN_FETCH_CONNECT_TIMEOUT_MS 10000
#define SYN_MAX_REDIRECTS 5

/* Config: a line of an INI file. */
#define SYN_MAX_CONFIG_BYTES (1024u * 1024)

/* Store: text of one item given to the full-text index is cut at
 * SYN_MAX_FIELD_BYTES; preparing it (U+200B around each 3-byte CJK
 * character) can triple it, plus room for the title. */
#define SYN_MAX_INDEX_TEXT_BYTES (3u * SYN_MAX_FIELD_BYTES + 4096)

/* Log lines are cut here. */
#define SYN_MAX_LOG_LINE 2048

#endif
