-- 公开表工作台 document file, schema version 5: the text parts of the disclosure and prior-year figures.
-- Tables of earlier versions are unchanged; an older file gains these two empty tables when it is opened.

-- The typed parts of the disclosure, one row per section in printed order: part is gaikuang (第一部分
-- 部门概况), shuoming (第三部分 情况说明) or mingci (第四部分 名词解释); heading as printed (一、…), body
-- the clerk's text (sub-headings such as （一）… stay in the body).
CREATE TABLE narrative_section (
    id       INTEGER PRIMARY KEY,
    part     TEXT NOT NULL CHECK (part IN ('gaikuang', 'shuoming', 'mingci')),
    position INTEGER NOT NULL,
    heading  TEXT NOT NULL DEFAULT '',
    body     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX narrative_section_order ON narrative_section (part, position);

-- 上年数: last year's figures named by the set's narrative data (resources/narrative/<set>.yaml, prior:),
-- in hundredths of this document's money unit; source says where each came from (typed, or the linked
-- last-year document with its unit, year and file name).
CREATE TABLE prior_figure (
    key    TEXT PRIMARY KEY,
    num    INTEGER NOT NULL,
    source TEXT NOT NULL
) WITHOUT ROWID;
