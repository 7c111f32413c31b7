-- 公开表工作台 document file, schema version 7: the undo history, kept in the file.
-- The CLI runs one process per command and the GUI shares the same history, so undo/redo must survive the
-- process. Only a new table: older files gain it empty when they are opened for editing.

-- One row per user action that changed the document (a typed figure, a paste, a 科目 row removed with its
-- figures, a 绩效 form edit, a 情况说明/上年数 edit, an 出错说明): the exact rows of the document tables it
-- changed, before and after (JSON, written by desktop/core/document/undo_rows.py). state 'done' can be
-- undone, 'undone' can be redone; a new edit deletes every 'undone' step. log_from/log_to: the change-log
-- rows of the edit itself (undo and redo write their own rows, action "undo"/"redo").
-- A later migration that changes how one of those tables stores a row must rewrite or delete these steps.
CREATE TABLE undo_step (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    who      TEXT NOT NULL,
    label    TEXT NOT NULL,
    state    TEXT NOT NULL CHECK (state IN ('done', 'undone')),
    log_from INTEGER NOT NULL,
    log_to   INTEGER NOT NULL,
    rows     TEXT NOT NULL
);
