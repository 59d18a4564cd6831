-- 002: full-text search over item titles and texts (FTS5, unicode61).
-- Text is indexed as prepared by store_fts_prepare_text() (CJK characters
-- isolated by U+200B), available in SQL as syn_fts_prepare() on connections
-- opened by syndic. The index stores its own (prepared) copy so that
-- snippet() highlights the same tokens it matched.
CREATE VIRTUAL TABLE items_fts USING fts5(
    title, body, tokenize = 'unicode61 remove_diacritics 2');

-- Items removed by a source's cascade leave the index too.
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    DELETE FROM items_fts WHERE rowid = old.id;
END;

-- Items stored before this migration: index title and excerpt.
INSERT INTO items_fts(rowid, title, body)
    SELECT id, syn_fts_prepare(coalesce(title, '')),
           syn_fts_prepare(coalesce(excerpt_text, ''))
    FROM items;
