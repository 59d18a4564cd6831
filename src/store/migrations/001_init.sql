-- 001: the core schema. Times are Unix seconds (0 = unknown/never);
-- enumerations are lower-case text checked here and mapped in store.c.

CREATE TABLE partners (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    url         TEXT,
    logo        TEXT,
    description TEXT,
    created     INTEGER NOT NULL
);

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE,
    site_url        TEXT,
    title           TEXT,
    partner_id      INTEGER REFERENCES partners(id) ON DELETE SET NULL,
    enabled         INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    etag            TEXT,
    last_modified   TEXT,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    errors          INTEGER NOT NULL DEFAULT 0,  -- consecutive failures
    next_fetch      INTEGER NOT NULL DEFAULT 0,
    last_fetch      INTEGER NOT NULL DEFAULT 0,
    interval_s      INTEGER NOT NULL DEFAULT 3600,
    created         INTEGER NOT NULL
);
CREATE INDEX sources_due ON sources(next_fetch) WHERE enabled = 1;
CREATE INDEX sources_partner ON sources(partner_id);

CREATE TABLE topics (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE source_topics (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    topic_id  INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    PRIMARY KEY (source_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX source_topics_topic ON source_topics(topic_id);

-- The same story carried by several sources.
CREATE TABLE clusters (
    id            INTEGER PRIMARY KEY,
    first_item_id INTEGER,  -- no foreign key: the item may go, the cluster stays
    created       INTEGER NOT NULL
);

CREATE TABLE items (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    guid          TEXT NOT NULL,
    url           TEXT NOT NULL,
    canonical_url TEXT,
    title         TEXT,
    authors       TEXT,     -- JSON array of strings
    published     INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    ingested      INTEGER NOT NULL,
    sort_time     INTEGER NOT NULL, -- published, or ingested if unknown/future
    summary_html  TEXT,
    content_html  TEXT,
    excerpt_html  TEXT,
    excerpt_text  TEXT,
    image         TEXT,
    language      TEXT,
    categories    TEXT,     -- JSON array of strings
    content_hash  TEXT NOT NULL,
    simhash       INTEGER NOT NULL DEFAULT 0, -- 64 bits, stored signed
    cluster_id    INTEGER REFERENCES clusters(id) ON DELETE SET NULL,
    UNIQUE (source_id, guid)
);
CREATE INDEX items_canonical ON items(canonical_url);
CREATE INDEX items_sort ON items(sort_time, id);
CREATE INDEX items_source_sort ON items(source_id, sort_time, id);
CREATE INDEX items_ingested ON items(ingested);
CREATE INDEX items_cluster ON items(cluster_id);

CREATE TABLE item_topics (
    item_id  INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    PRIMARY KEY (item_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX item_topics_topic ON item_topics(topic_id, item_id);

CREATE TABLE subscribers (
    id                  INTEGER PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name                TEXT,
    organization        TEXT,
    status              TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bouncing')),
    frequency           TEXT NOT NULL DEFAULT 'weekly'
        CHECK (frequency IN ('instant', 'daily', 'weekly')),
    topics              TEXT NOT NULL DEFAULT '', -- comma-separated slugs
    consent_time        INTEGER NOT NULL,
    consent_ip          TEXT,
    consent_source      TEXT,
    confirmed_at        INTEGER NOT NULL DEFAULT 0,
    last_digest_instant INTEGER NOT NULL DEFAULT 0,
    last_digest_daily   INTEGER NOT NULL DEFAULT 0,
    last_digest_weekly  INTEGER NOT NULL DEFAULT 0,
    bounces             INTEGER NOT NULL DEFAULT 0,
    created             INTEGER NOT NULL
);
CREATE INDEX subscribers_status ON subscribers(status, frequency);

-- Every mail is a row before it is sent (DESIGN.md).
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL
        CHECK (kind IN ('confirm', 'ack', 'notify', 'digest')),
    dedupe_key   TEXT NOT NULL UNIQUE,
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL, -- the full RFC 5322 message
    status       TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    last_error   TEXT,
    created      INTEGER NOT NULL,
    sent_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_due ON outbox(next_attempt) WHERE status = 'queued';

CREATE TABLE digests (
    frequency  TEXT NOT NULL,
    period_key TEXT NOT NULL,  -- e.g. 2026-11-29, 2026-W48
    created    INTEGER NOT NULL,
    PRIMARY KEY (frequency, period_key)
) WITHOUT ROWID;

CREATE TABLE inquiries (
    id           INTEGER PRIMARY KEY,
    organization TEXT NOT NULL,
    name         TEXT NOT NULL,
    email        TEXT NOT NULL,
    website      TEXT,
    country      TEXT,
    kind         TEXT NOT NULL
        CHECK (kind IN ('content', 'media', 'events', 'research', 'other')),
    message      TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'contacted', 'accepted', 'declined')),
    ip           TEXT,
    created      INTEGER NOT NULL
);
CREATE INDEX inquiries_created ON inquiries(created);

CREATE TABLE share_counts (
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    count   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, network)
) WITHOUT ROWID;

-- Site secrets (HMAC key) and small state.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Fixed-window counters for form rate limits; a row expires with its window.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    expires      INTEGER NOT NULL,
    count        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_limits_expires ON rate_limits(expires);
