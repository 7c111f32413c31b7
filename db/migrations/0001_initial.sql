-- 公开表工作台 document file, schema version 1.
-- One file = one unit's disclosure for one year and one template set.
-- Amounts are INTEGER hundredths of the document's money unit (分 for 元, 0.01 万元 for 万元).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per non-empty cell. Empty cells are absent.
CREATE TABLE cell (
    tbl TEXT NOT NULL,
    row TEXT NOT NULL,
    col TEXT NOT NULL,
    num INTEGER,
    txt TEXT,
    PRIMARY KEY (tbl, row, col)
) WITHOUT ROWID;

-- Floating (浮动) rows the clerk added by code, with the name as printed.
CREATE TABLE float_row (
    tbl  TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tbl, code)
) WITHOUT ROWID;

-- Who changed what, when: every edit, paste, load and import.
CREATE TABLE change_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    who    TEXT NOT NULL,
    action TEXT NOT NULL,
    tbl    TEXT,
    row    TEXT,
    col    TEXT,
    old    TEXT,
    new    TEXT
);
CREATE INDEX change_log_cell ON change_log (tbl, row, col);

-- 出错说明: the clerk's written explanation of a 提示 finding, with the figures it explained.
CREATE TABLE explanation (
    finding_key TEXT PRIMARY KEY,
    text        TEXT NOT NULL,
    author      TEXT NOT NULL,
    at          TEXT NOT NULL,
    basis       TEXT NOT NULL
) WITHOUT ROWID;
