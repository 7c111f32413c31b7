"""Is what the file holds of the kinds our code expects? Checked on open, with a few SQL aggregate queries.

A received file may have been changed with any SQLite tool: an amount stored as REAL, TEXT or BLOB or too
big to add up, a floating-row code that is empty or huge, a template-set id that is a path, a 绩效 number
that is NaN or has no places, a seal that is not JSON. :func:`content_problem` finds the first such thing and
names the table and row, in Chinese; nothing is read row by row in Python except the (few) seals.

Files are checked as their own version stores them: before version 6 a 绩效 number was decimal text, which
must also be one that version 6 can store exactly (see :mod:`.numbers`), since opening moves it forward.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping, Sequence

from ..digest import sha256
from ..i18n import N_, tr
from .numbers import MAX_HUNDREDTHS, MAX_PLACES, MAX_UNITS

MAX_AMOUNT = MAX_HUNDREDTHS  # hundredths: ten trillion 元, far beyond any unit's budget, far inside 64 bits
NUMBERS_ENCODED = 6  # the schema version from which 绩效 numbers are integers with their places (0006)
MAX_CODE = 64
MAX_NAME = 500
MAX_DECIMAL_DIGITS = 15  # digits before the point of a 绩效 number
SET_ID = re.compile(r"^[a-z0-9_]{1,64}$")
MONEY_UNITS = ("元", "万元")
YEARS = range(1990, 2101)

T, INT, N = "text", "integer", "null"
_TYPE_NAMES = {"text": N_("文字"), "integer": N_("整数"), "null": N_("空"), "real": N_("带小数的数"),
               "blob": N_("二进制数据")}  # shown through tr()
# table -> (its name for people (N_: shown through tr()), the columns naming a row, {column: allowed SQLite types})
COLUMNS: dict[str, tuple[str, tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "meta": (N_("封面信息"), ("key",), {"key": (T,), "value": (T,)}),
    "cell": (N_("数值"), ("tbl", "row", "col"), {"tbl": (T,), "row": (T,), "col": (T,), "num": (INT, N), "txt": (T, N)}),
    "float_row": (N_("科目行"), ("tbl", "code"), {"tbl": (T,), "code": (T,), "name": (T,)}),
    "change_log": (N_("修改记录"), ("id",), {"at": (T,), "who": (T,), "action": (T,), "tbl": (T, N), "row": (T, N),
                                        "col": (T, N), "old": (T, N), "new": (T, N)}),
    "explanation": (N_("出错说明"), ("finding_key",), {"finding_key": (T,), "text": (T,), "author": (T,), "at": (T,),
                                                  "basis": (T,)}),
    "jx_form": (N_("绩效表"), ("id",), {"shape": (T,), "title": (T,), "position": (INT,)}),
    "jx_field": (N_("绩效表栏目"), ("form_id", "key"), {"form_id": (INT,), "key": (T,), "txt": (T, N), "num": (INT, N),
                                                "places": (INT, N)}),
    "jx_indicator": (N_("绩效指标行"), ("id",), {"form_id": (INT,), "level2": (T,), "position": (INT,)}),
    "jx_indicator_cell": (N_("绩效指标单元格"), ("indicator_id", "col"), {"indicator_id": (INT,), "col": (T,), "txt": (T, N),
                                                                   "num": (INT, N), "places": (INT, N)}),
    "review_comment": (N_("批注"), ("id",), {"parent_id": (INT, N), "tbl": (T,), "row": (T, N), "col": (T, N),
                                       "finding": (T, N), "author": (T,), "at": (T,), "text": (T,),
                                       "resolved_by": (T, N), "resolved_at": (T, N)}),
    "review_state": (N_("审核状态"), ("tbl",), {"tbl": (T,), "state": (T,), "who": (T,), "at": (T,), "reason": (T,)}),
    "review_history": (N_("审核历史"), ("id",), {"tbl": (T,), "state": (T,), "who": (T,), "at": (T,), "reason": (T,)}),
    "review_seal": (N_("审核封签"), ("tbl",), {"tbl": (T,), "digest": (T,), "figures": (T,), "signer": (T,), "at": (T,),
                                       "log_id": (INT,)}),
    "change_chain": (N_("修改记录链"), ("id",), {"hash": (T,)}),
    "signer_key": (N_("签章公钥"), ("name", "public_key"), {"name": (T,), "public_key": (T,), "fingerprint": (T,),
                                                      "added_at": (T,)}),
    "seal_signature": (N_("审核签章"), ("tbl",), {"tbl": (T,), "log_id": (INT,), "log_head": (T,), "public_key": (T,),
                                          "signature": (T,)}),
    "narrative_section": (N_("情况说明"), ("id",), {"part": (T,), "position": (INT,), "heading": (T,), "body": (T,)}),
    "prior_figure": (N_("上年数"), ("key",), {"key": (T,), "num": (INT,), "source": (T,)}),
    "undo_step": (N_("修改历史"), ("id",), {"at": (T,), "who": (T,), "label": (T,), "state": (T,), "log_from": (INT,),
                                      "log_to": (INT,), "rows": (T,)}),
}
_DIGITS = len(str(MAX_UNITS)) - 1  # significant digits a 绩效 number keeps
MAX_NARRATIVE_BODY = 100_000  # characters of one section (desktop.core.narrative.store refuses more on input)


def _decimal_bad(col: str) -> str:
    """SQL true when the non-NULL ``col`` is not a plain decimal like -12.50 with at most 15 integer digits."""
    body = f"ltrim({col}, '-')"
    whole = f"(CASE WHEN instr({body}, '.') > 0 THEN substr({body}, 1, instr({body}, '.') - 1) ELSE {body} END)"
    return (f"({col} IS NOT NULL AND (typeof({col}) != 'text' OR {col} = '' OR length({col}) > 40"
            f" OR {col} GLOB '*[^0-9.-]*' OR substr({col}, 2) GLOB '*-*' OR {col} GLOB '*.*.*'"
            f" OR {col} GLOB '*.' OR {body} GLOB '.*' OR {body} = '' OR length({whole}) > {MAX_DECIMAL_DIGITS}))")


def _decimal_unencodable(col: str) -> str:
    """SQL true when the decimal text ``col`` has more decimals or significant digits than version 6 stores."""
    digits = f"ltrim(replace(ltrim({col}, '-'), '.', ''), '0')"
    return (f"({col} IS NOT NULL AND ((instr({col}, '.') > 0 AND length({col}) - instr({col}, '.') > {MAX_PLACES})"
            f" OR length({digits}) > {len(str(MAX_UNITS)) - 1}))")


def _form_tbl_bad(col: str) -> str:
    """SQL true when ``col`` names a 绩效 form (jixiao:N) with N not a plain number."""
    rest = f"substr({col}, 8)"
    return (f"({col} LIKE 'jixiao:%' AND ({rest} = '' OR {rest} GLOB '*[^0-9]*' OR length({rest}) > 15))")


# a sealed figure of a table (not a row name, not text marked by a leading quote) must be integer text
_SEALED_NOT_AMOUNT = ("key NOT LIKE 'row:%' AND substr(value, 1, 1) != '''' AND (value IN ('', '-') OR length(value) > 19"
                      " OR substr(value, 2) GLOB '*[^0-9]*' OR substr(value, 1, 1) GLOB '[^0-9-]')")

# table -> [(SQL condition of a bad row, what is wrong: N_, shown by tr() with {places} and {digits})]
ROW_RULES: dict[str, list[tuple[str, str]]] = {
    "cell": [(f"num >= {MAX_AMOUNT} OR num <= -{MAX_AMOUNT}", N_("金额超出合理范围（绝对值应小于一千万亿）"))],
    "float_row": [(f"length(code) NOT BETWEEN 1 AND {MAX_CODE} OR trim(code) = ''", N_("科目编码为空或过长")),
                  (f"length(name) > {MAX_NAME}", N_("名称过长"))],
    "jx_field": [("(num IS NULL) <> (places IS NULL)", N_("数字缺少小数位数，或文字带着小数位数")),
                 (f"places NOT BETWEEN 0 AND {MAX_PLACES}", N_("小数位数超出范围（应为 0—{places}）")),
                 (f"num >= {MAX_UNITS} OR num <= -{MAX_UNITS}", N_("数字超出合理范围"))],
    "jx_indicator_cell": [("(num IS NULL) <> (places IS NULL)", N_("数字缺少小数位数，或文字带着小数位数")),
                          (f"places NOT BETWEEN 0 AND {MAX_PLACES}", N_("小数位数超出范围（应为 0—{places}）")),
                          (f"num >= {MAX_UNITS} OR num <= -{MAX_UNITS}", N_("数字超出合理范围"))],
    "review_seal": [("length(digest) != 64 OR digest GLOB '*[^0-9a-f]*'", N_("摘要不是 64 位十六进制数")),
                    ("NOT json_valid(figures) OR json_type(figures) != 'object'", N_("数据不是有效的 JSON 对象")),
                    ("EXISTS (SELECT 1 FROM json_each(figures) WHERE type != 'text')", N_("数据中有非文字的值")),
                    ("EXISTS (SELECT 1 FROM json_each(figures) WHERE key NOT LIKE 'row:%' AND instr(key, '|') = 0)",
                     N_("数据中有无法识别的单元格位置")),
                    (f"tbl NOT LIKE 'jixiao:%' AND EXISTS (SELECT 1 FROM json_each(figures) WHERE {_SEALED_NOT_AMOUNT})",
                     N_("数据中有不是金额的数值")),
                    (_form_tbl_bad("tbl"), N_("表名无效"))],
    "narrative_section": [("part NOT IN ('gaikuang', 'shuoming', 'mingci')", N_("所属部分无效")),
                          (f"length(body) > {MAX_NARRATIVE_BODY}", N_("文字过长")),
                          (f"length(heading) > {MAX_NAME}", N_("标题过长"))],
    "prior_figure": [(f"num >= {MAX_AMOUNT} OR num <= -{MAX_AMOUNT}", N_("金额超出合理范围（绝对值应小于一千万亿）")),
                     (f"length(key) > {MAX_CODE} OR length(source) > {MAX_NAME}", N_("项目名或来源过长"))],
    "review_state": [(_form_tbl_bad("tbl"), N_("表名无效"))],
    "review_comment": [(_form_tbl_bad("tbl"), N_("表名无效"))],
    "review_history": [(_form_tbl_bad("tbl"), N_("表名无效"))],
    "change_chain": [("length(hash) != 64 OR hash GLOB '*[^0-9a-f]*'", N_("链值不是 64 位十六进制数"))],
    "undo_step": [("state NOT IN ('done', 'undone')", N_("状态无效")), ("NOT json_valid(rows)", N_("内容不是有效的 JSON")),
                  (f"length(label) > {MAX_NAME} OR length(who) > {MAX_NAME}", N_("名称过长"))],
    "signer_key": [("length(public_key) != 64 OR public_key GLOB '*[^0-9a-f]*'", N_("公钥不是 64 位十六进制数")),
                   (f"length(name) > {MAX_NAME}", N_("姓名过长"))],
    "seal_signature": [("length(signature) != 128 OR signature GLOB '*[^0-9a-f]*'", N_("签名不是 128 位十六进制数")),
                       ("length(public_key) != 64 OR public_key GLOB '*[^0-9a-f]*'", N_("公钥不是 64 位十六进制数")),
                       ("length(log_head) != 64 OR log_head GLOB '*[^0-9a-f]*'", N_("修改记录链值不是 64 位十六进制数"))],
}


_LEGACY_NUMBERS = [(_decimal_bad("num"), N_("数字不是有效的十进制数或超出合理范围")),
                   (_decimal_unencodable("num"), N_("数字的位数超出本软件能保存的范围（最多 {places} 位小数、"
                                                    "{digits} 位有效数字）"))]


def _at_version(version: int | None) -> tuple[dict, dict]:
    """(COLUMNS, ROW_RULES) as a file of ``version`` stores its tables (None: today's)."""
    if version is None or version >= NUMBERS_ENCODED:
        return COLUMNS, ROW_RULES
    columns, rules = dict(COLUMNS), dict(ROW_RULES)
    for table in ("jx_field", "jx_indicator_cell"):
        label, key, kinds = COLUMNS[table]
        columns[table] = (label, key, {c: k for c, k in kinds.items() if c != "places"} | {"num": (T, N)})
        rules[table] = _LEGACY_NUMBERS
    return columns, rules


def _show(value: object) -> str:
    if isinstance(value, bytes):
        return tr("（二进制数据）")
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _typeof_ok(column: str, kinds: tuple[str, ...]) -> str:
    return f"typeof({column}) IN ({', '.join(repr(k) for k in kinds)})"


def _first_bad_row(conn: sqlite3.Connection, table: str, condition: str, source: str = "",
                   params: Sequence[object] = ()) -> str | None:
    label, key, _ = COLUMNS[table]  # names and keys are the same at every version
    row = conn.execute(f"SELECT {', '.join(key)} FROM {source or table} WHERE {condition} LIMIT 1", params).fetchone()
    if row is None:
        return None
    shown = "，".join(f"{k}={_show(v)}" for k, v in zip(key, row, strict=True))
    return tr("“{label}”（表 {table}）中 {row} 这一行", label=tr(label), table=table, row=shown)


def _rows_problem(conn: sqlite3.Connection, tables: set[str], version: int | None, source: str = "",
                  params: Sequence[object] = ()) -> str | None:
    """The first bad row of ``tables`` at schema ``version`` (``source``: what to read instead of the table,
    with ``params``)."""
    all_columns, all_rules = _at_version(version)
    for table, (_, _, columns) in all_columns.items():
        if table not in tables:
            continue
        wrong_type = " OR ".join(f"NOT {_typeof_ok(c, kinds)}" for c, kinds in columns.items())
        rules = all_rules.get(table, [])
        anything = " OR ".join(f"({c})" for c in (wrong_type, *(r for r, _ in rules)))
        if conn.execute(f"SELECT 1 FROM {source or table} WHERE {anything} LIMIT 1", params).fetchone() is None:
            continue  # one scan of a healthy table; the detailed queries run only to name a problem
        where = _first_bad_row(conn, table, wrong_type, source, params)
        if where:
            bad = conn.execute(f"SELECT {', '.join(f'typeof({c})' for c in columns)} FROM {source or table} "
                               f"WHERE {wrong_type} LIMIT 1", params).fetchone()
            wrong = [(c, kinds, t) for (c, kinds), t in zip(columns.items(), bad, strict=True) if t not in kinds]
            column, kinds, found = wrong[0]
            expected = tr("或").join(tr(_TYPE_NAMES[k]) for k in kinds)
            actual = tr(_TYPE_NAMES[found]) if found in _TYPE_NAMES else found
            return tr("{where}的 {column} 应为{expected}，实际是{actual}",
                      where=where, column=column, expected=expected, actual=actual)
        for condition, what in rules:
            where = _first_bad_row(conn, table, condition, source, params)
            if where:
                return tr("{where}：{what}", where=where, what=tr(what, places=MAX_PLACES, digits=_DIGITS))
    return None


def _seal_problem(conn: sqlite3.Connection) -> str | None:
    for tbl, seal_digest, figures in conn.execute("SELECT tbl, digest, figures FROM review_seal"):
        if sha256(figures.encode("utf-8")).hexdigest() != seal_digest:
            return tr("表“{table}”的审核封签与其记录的数字对不上（封签被改动过）", table=_show(tbl))
        try:
            json.loads(figures)
        except ValueError:
            return tr("表“{table}”的审核封签数据不是有效的 JSON", table=_show(tbl))
    return None


def meta_problem(meta: Mapping[str, str]) -> str | None:
    """What is wrong with the cover data (whether the set is shipped is checked by the caller)."""
    set_id = meta.get("set_id")
    if not set_id:
        return tr("封面信息中没有模板编号（set_id）")
    if not SET_ID.match(set_id):
        return tr("模板编号“{set_id}”无效（只能由小写字母、数字和下划线组成）", set_id=_show(set_id))
    unit = meta.get("money_unit", "元")
    if unit not in MONEY_UNITS:
        return tr("金额单位“{unit}”无效（只能是“元”或“万元”）", unit=_show(unit))
    year = meta.get("year")
    if year is not None and not (year.isascii() and year.isdigit() and len(year) == 4 and int(year) in YEARS):
        return tr("年度“{year}”无效（应为 {first}—{last} 之间的四位数字）",
                  year=_show(year), first=YEARS.start, last=YEARS.stop - 1)
    return None


def rows_problem(conn: sqlite3.Connection, table: str, key: Sequence[str], rows: Sequence[Sequence[object]]) -> str | None:
    """:func:`content_problem` for some rows of one table only (``key``: its primary-key columns, ``rows``:
    their values), by the primary key: what an undo wrote is checked without reading the whole table."""
    if table not in COLUMNS:
        return None
    chunk = max(1, 900 // max(1, len(key)))
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        one = f"({', '.join('?' * len(key))})"
        on = " AND ".join(f"{table}.{k} = wanted.column{n}" for n, k in enumerate(key, 1))
        source = f"(VALUES {', '.join([one] * len(part))}) AS wanted CROSS JOIN {table} ON {on}"
        problem = _rows_problem(conn, {table}, None, source, [v for r in part for v in r])
        if problem:
            return problem
    return None


def content_problem(conn: sqlite3.Connection, tables: set[str], version: int | None = None) -> str | None:
    """The first thing in the file (of schema ``version``; None: today's) of a kind our code does not expect,
    in Chinese; None when all is well."""
    problem = _rows_problem(conn, tables, version)
    if problem or "review_seal" not in tables:
        return problem
    return _seal_problem(conn)
