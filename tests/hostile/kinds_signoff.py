"""Hostile sign-off records (issue 14): a signature table of the wrong kind is refused on opening; a forged
approval and a rewritten change-log row open (they are well-formed) but `gongkai review` reports them
(exit 1), and the forged 已审核 table's figures stay locked against `gongkai set`."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from desktop.core.document import Document
from desktop.core.review import seal as sl
from hostile.harness import Kind, Run, good_document

BAD = ("不合规", "重新索取")
TABLE = "shouzhi_zongbiao"


def _tampered(name: str, change: Callable[[sqlite3.Connection, Path], None]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = good_document(folder).rename(folder / name)
        conn = sqlite3.connect(path)
        change(conn, path)
        conn.commit()
        conn.close()
        return path

    return build


def _bad_signature(conn: sqlite3.Connection, _path: Path) -> None:
    conn.execute("INSERT INTO seal_signature VALUES (?, 1, 'not hex', 'not hex', 'not hex')", (TABLE,))


def _forged_approval(conn: sqlite3.Connection, path: Path) -> None:
    with Document.open(path, readonly=True) as doc:  # the figures as the application reads them
        figures = sl.canonical(sl.figures(doc, TABLE))
    conn.execute("INSERT INTO review_state VALUES (?, 'approved', '李审核', '2026-12-01T08:00:00Z', '')", (TABLE,))
    conn.execute("INSERT INTO review_seal VALUES (?, ?, ?, '李审核', '2026-12-01T08:00:00Z', 2)",
                 (TABLE, sl.digest(figures), figures))


def _reassigned(conn: sqlite3.Connection, _path: Path) -> None:
    conn.execute("UPDATE change_log SET who = '别人' WHERE id = 1")


REVIEW = ("review", "{input}")
SET = ("set", "{input}", TABLE, "in_ybgg", "amount", "1")
CHECK = ("check", "{input}")

KINDS = [
    Kind("seal-signature-not-hex", "gkb", _tampered("签名乱码.gkb", _bad_signature), words=BAD),
    Kind("approval-forged-with-sqlite", "gkb", _tampered("伪造审核.gkb", _forged_approval), gui=False,
         runs=(Run(REVIEW, frozenset({1})), Run(SET, frozenset({2}), words=("数字已锁定",)),
               Run(CHECK, frozenset({0, 1})))),
    Kind("change-log-row-reassigned", "gkb", _tampered("改记录.gkb", _reassigned), gui=False,
         runs=(Run(REVIEW, frozenset({1})), Run(CHECK, frozenset({0, 1})))),
]
