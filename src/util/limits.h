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
/* Nesting seen by a naive pre-scan of HTML before gumbo parses it: gumbo's
 * cost grows with the square of the depth (its scope checks walk the open
 * elements), 512 costs it well under a second on 2 MiB; anything that deep
 * is cut there (SYN_MAX_HTML_DEPTH keeps far less anyway). */
#define SYN_MAX_HTML_SCAN_DEPTH 512
/* gumbo parse errors recorded before it stops collecting them. */
#define SYN_MAX_HTML_ERRORS 100

/* URLs: browsers and servers commonly reject beyond 8 KB. */
#define SYN_MAX_URL_BYTES 8192

/* Web. */
#define SYN_MAX_REQ_BODY (64u * 1024)   /* forms are small */
#define SYN_MAX_PARAMS 64               /* fields in a query or form */
#define SYN_MAX_QUERY_BYTES 4096        /* a search query */
#define SYN_MAX_CONNECTIONS 1024        /* open sockets */
#define SYN_CONN_MEMORY_BYTES (64u * 1024) /* per-connection buffers */
#define SYN_CONN_TIMEOUT_S 15           /* idle or slow clients */

/* Fetching. */
#define SYN_FETCH_TIMEOUT_MS 30000
#define SYN_FETCH_CONNECT_TIMEOUT_MS 10000
#define SYN_MAX_REDIRECTS 5

/* Config: a line of an INI file. */
#define SYN_MAX_CONFIG_BYTES (1024u * 1024)

/* Log lines are cut here. */
#define SYN_MAX_LOG_LINE 2048

#endif
