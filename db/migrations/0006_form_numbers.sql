-- 公开表工作台 document file, schema version 6: one value encoding for numbers.
-- A 绩效 form number was exact decimal TEXT ('70.60'). It is now stored like every other number of the file,
-- as an INTEGER count of a smallest unit (desktop/core/document/numbers.py): value = num x 10^-places, so
-- '70.60' becomes num 7060 with places 2 and '93' becomes num 93 with places 0 (the decimals a form figure was
-- printed with stay: the checks compare a printed figure at its own precision). Table cells and 上年数 count
-- hundredths (places 2 for every value, as since version 1).
-- The exact decimal text of each number is unchanged (7060 and 2 read back as '70.60'), so the seals over
-- forms keep their digests and their signatures hold. Only a negative zero ('-0.00', which no edit writes)
-- reads back without its sign.
-- A text the integers cannot hold exactly (over 6 decimals or 18 significant digits: refused on opening
-- before this runs) gets places -1 here, which the CHECK refuses: the upgrade stops and the file is unchanged.

ALTER TABLE jx_field RENAME TO jx_field_text;

CREATE TABLE jx_field (
    form_id INTEGER NOT NULL REFERENCES jx_form(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    txt     TEXT,
    num     INTEGER,
    places  INTEGER CHECK (places BETWEEN 0 AND 6),
    PRIMARY KEY (form_id, key),
    CHECK ((txt IS NULL) <> (num IS NULL))
) WITHOUT ROWID;

INSERT INTO jx_field(form_id, key, txt, num, places)
SELECT form_id, key, txt, CAST(replace(num, '.', '') AS INTEGER),
       CASE WHEN num IS NULL THEN NULL
            WHEN length(ltrim(replace(ltrim(num, '-'), '.', ''), '0')) > 18 THEN -1
            WHEN instr(num, '.') > 0 THEN length(num) - instr(num, '.')
            ELSE 0 END
FROM jx_field_text;

DROP TABLE jx_field_text;

ALTER TABLE jx_indicator_cell RENAME TO jx_indicator_cell_text;

CREATE TABLE jx_indicator_cell (
    indicator_id INTEGER NOT NULL REFERENCES jx_indicator(id) ON DELETE CASCADE,
    col          TEXT NOT NULL,
    txt          TEXT,
    num          INTEGER,
    places       INTEGER CHECK (places BETWEEN 0 AND 6),
    PRIMARY KEY (indicator_id, col),
    CHECK ((txt IS NULL) <> (num IS NULL))
) WITHOUT ROWID;

INSERT INTO jx_indicator_cell(indicator_id, col, txt, num, places)
SELECT indicator_id, col, txt, CAST(replace(num, '.', '') AS INTEGER),
       CASE WHEN num IS NULL THEN NULL
            WHEN length(ltrim(replace(ltrim(num, '-'), '.', ''), '0')) > 18 THEN -1
            WHEN instr(num, '.') > 0 THEN length(num) - instr(num, '.')
            ELSE 0 END
FROM jx_indicator_cell_text;

DROP TABLE jx_indicator_cell_text
