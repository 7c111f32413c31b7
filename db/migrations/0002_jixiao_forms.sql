-- 公开表工作台 document file, schema version 2: 绩效自评表 and 项目绩效目标表.
-- A document holds any number of forms, one per project, each with its own title and shape
-- (a form definition under resources/forms/jixiao). Tables of version 1 are unchanged.

CREATE TABLE jx_form (
    id       INTEGER PRIMARY KEY,
    shape    TEXT NOT NULL,
    title    TEXT NOT NULL,
    position INTEGER NOT NULL
);

-- Header, funding, objective, text and total fields of a form, one row per non-empty field.
-- Text goes in txt; a number goes in num as exact decimal TEXT as printed or typed (never REAL),
-- so 93 and 93.00 stay different and no float is involved.
CREATE TABLE jx_field (
    form_id INTEGER NOT NULL REFERENCES jx_form(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    txt     TEXT,
    num     TEXT,
    PRIMARY KEY (form_id, key),
    CHECK ((txt IS NULL) <> (num IS NULL))
) WITHOUT ROWID;

-- The floating 三级指标 rows under the fixed 一级/二级 tree, in printed order within their 二级.
CREATE TABLE jx_indicator (
    id       INTEGER PRIMARY KEY,
    form_id  INTEGER NOT NULL REFERENCES jx_form(id) ON DELETE CASCADE,
    level2   TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX jx_indicator_form ON jx_indicator (form_id, level2, position);

CREATE TABLE jx_indicator_cell (
    indicator_id INTEGER NOT NULL REFERENCES jx_indicator(id) ON DELETE CASCADE,
    col          TEXT NOT NULL,
    txt          TEXT,
    num          TEXT,
    PRIMARY KEY (indicator_id, col),
    CHECK ((txt IS NULL) <> (num IS NULL))
) WITHOUT ROWID;
