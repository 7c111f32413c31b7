-- 公开表工作台 document file, schema version 4: sign-off a reviewer can trust.
-- A hash chain over the change log, the signers' public keys, and an Ed25519 signature on each seal.
-- Only new tables: the tables of versions 1-3 keep their exact definitions.

-- The chain value of each change-log row: sha256(previous value + the row in canonical form), written
-- only by desktop/core/document/changelog.py together with the row. Rows written before version 4 have
-- none ("pre-chain"): they may only come first, and the first chained row's value covers them all.
CREATE TABLE change_chain (
    id   INTEGER PRIMARY KEY REFERENCES change_log(id),
    hash TEXT NOT NULL
);

-- The public keys of the people who signed in this file (Ed25519, the raw 32 bytes as hex); the file
-- carries them so any copy can be verified. A person may have more than one key (a new computer).
CREATE TABLE signer_key (
    name        TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (name, public_key)
) WITHOUT ROWID;

-- The signature of a seal (review_seal): over the table, its figures' digest, the signer, the time and
-- the change log's head (the id and chain value of the 审核通过 row itself). A seal without one (written
-- by an older version, loaded from JSON, or forged) is reported as 未签章.
CREATE TABLE seal_signature (
    tbl         TEXT PRIMARY KEY,
    log_id      INTEGER NOT NULL,
    log_head    TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    signature   TEXT NOT NULL
) WITHOUT ROWID;
