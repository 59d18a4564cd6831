-- 003: mail bodies move out of the outbox row. Claiming and marking a mail
-- rewrote the whole record, a 15 KB digest included, for a few changed
-- integers; now they touch a small row. Bodies of sent mail are dropped
-- (the outbox row stays, for dedupe and audit).
CREATE TABLE outbox_bodies (
    mail_id INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE,
    body    TEXT NOT NULL  -- the full RFC 5322 message
);
INSERT INTO outbox_bodies(mail_id, body)
    SELECT id, body FROM outbox WHERE status <> 'sent';
ALTER TABLE outbox DROP COLUMN body;
