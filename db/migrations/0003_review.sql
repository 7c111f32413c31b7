-- 公开表工作台 document file, schema version 3: review and hand-over.
-- 批注 (comments) with reply threads, the per-table review state with its history, and the seal of a
-- signed-off table. Reviewer actions are written here only: they never change a figure.
-- tbl is a table key or "jixiao:<form id>".

-- A comment on a table (row and col NULL), a row (col NULL), a cell, or a finding (finding set).
-- A reply has parent_id = the thread's first comment; resolving applies to the thread.
CREATE TABLE review_comment (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES review_comment(id) ON DELETE CASCADE,
    tbl         TEXT NOT NULL,
    row         TEXT,
    col         TEXT,
    finding     TEXT,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL,
    text        TEXT NOT NULL,
    resolved_by TEXT,
    resolved_at TEXT
);
CREATE INDEX review_comment_target ON review_comment (tbl, row, col);

-- The current state of a table: draft 填报中 (also when absent), submitted 待审核, approved 已审核,
-- returned 退回 (with the reason).
CREATE TABLE review_state (
    tbl    TEXT PRIMARY KEY,
    state  TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'returned')),
    who    TEXT NOT NULL,
    at     TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- Every state change, oldest first.
CREATE TABLE review_history (
    id     INTEGER PRIMARY KEY,
    tbl    TEXT NOT NULL,
    state  TEXT NOT NULL,
    who    TEXT NOT NULL,
    at     TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);

-- The seal of an 已审核 table: the figures as signed (canonical JSON), their SHA-256, who signed, when,
-- and the last change_log id at that moment (later log rows of the table say who changed what).
CREATE TABLE review_seal (
    tbl     TEXT PRIMARY KEY,
    digest  TEXT NOT NULL,
    figures TEXT NOT NULL,
    signer  TEXT NOT NULL,
    at      TEXT NOT NULL,
    log_id  INTEGER NOT NULL
) WITHOUT ROWID;
