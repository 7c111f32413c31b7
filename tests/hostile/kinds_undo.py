"""Hostile undo histories (table ``undo_step``): a step that is not JSON is refused at open like any bad
row; a step that parses but is forged (an amount out of range, a table that is not the document's, rows the
file no longer holds) opens, and ``gongkai undo`` refuses it in Chinese, changing nothing."""

from __future__ import annotations

import json

from hostile.harness import Kind, Run
from hostile.kinds_gkb import BAD, _tamper

STEP = ("INSERT INTO undo_step(id, at, who, label, state, log_from, log_to, rows) "
        "VALUES (1, '2026-01-01T00:00:00Z', '某人', ?, ?, 1, 1, ?)")
CELL = ["shouzhi_zongbiao", "in_ybgg", "amount"]  # 123456 in the healthy document
COLUMNS = {"cell": ["tbl", "row", "col", "num", "txt"]}
KEY = {"cell": ["tbl", "row", "col"]}
UNDO = ("undo", "{input}")
LIST = ("undo", "{input}", "--list")


def _step(rows: object, *, label: str = "填写", state: str = "done", columns: object = None, key: object = None,
          version: int = 1):
    payload = rows if isinstance(rows, str) else json.dumps(
        {"v": version, "columns": COLUMNS if columns is None else columns, "key": KEY if key is None else key,
         "rows": rows}, ensure_ascii=False)
    return STEP, (label, state, payload)


def _forged(name: str, file: str, words: tuple[str, ...], *rows: object, **shape: object) -> Kind:
    """A document whose last step is forged: it opens and lists, and undo refuses it."""
    return Kind(name, "gkb", _tamper(file, _step(list(rows), **shape)),  # type: ignore[arg-type]
                runs=(Run(UNDO, words=words), Run(LIST, frozenset({0}))), gui=False,
                notes="opens; undo refuses the step")


def _cell(before: int | float | str | None, after: object = 123456) -> list[object]:
    return ["cell", CELL, [*CELL, before, None], [*CELL, after, None]]


KINDS = [
    Kind("undo-step-not-json", "gkb", _tamper("历史非JSON.gkb", _step("{\"v\": 1, \"rows\": [")), words=BAD),
    Kind("undo-step-bad-state", "gkb", _tamper("历史状态.gkb", "PRAGMA ignore_check_constraints = ON",
                                               _step([_cell(1)], state="half")), words=BAD),
    Kind("undo-step-huge-label", "gkb", _tamper("历史名称.gkb", _step([_cell(1)], label="撤" * 600)), words=BAD),
    _forged("undo-step-amount-over-bound", "历史金额.gkb", ("无法使用", "金额超出合理范围"), _cell(10**17)),
    _forged("undo-step-amount-real", "历史小数.gkb", ("无法使用",), _cell(1.5)),
    _forged("undo-step-rows-changed-since", "历史冲突.gkb", ("改动过", "未做任何改动"), _cell(1, after=999)),
    _forged("undo-step-foreign-table", "历史外表.gkb", ("无法使用", "结构"),
            ["meta", ["set_id"], ["set_id", "x"], ["set_id", "shanxi_2022_juesuan"]],
            columns={"meta": ["key", "value"]}, key={"meta": ["key"]}),
    _forged("undo-step-sql-in-table-name", "历史表名.gkb", ("无法使用",),
            ["cell\"; DROP TABLE cell; --", CELL, None, None],
            columns={"cell\"; DROP TABLE cell; --": COLUMNS["cell"]}, key={"cell\"; DROP TABLE cell; --": KEY["cell"]}),
    _forged("undo-step-short-image", "历史残缺.gkb", ("无法使用",), ["cell", CELL, CELL, [*CELL, 123456, None]]),
    _forged("undo-step-key-elsewhere", "历史错位.gkb", ("无法使用",),
            ["cell", ["shouzhi_zongbiao", "in_sy", "amount"], [*CELL, 1, None], [*CELL, 123456, None]]),
    _forged("undo-step-other-format", "历史旧版.gkb", ("无法使用", "版本"), _cell(1), version=99),
]
