"""Hostile .gkb documents: planted SQL, values of the wrong type, damaged structure."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hostile.harness import Kind, good_document


def _tamper(name: str, *sql: str):
    """A healthy document changed with plain sqlite3, as a colleague could."""

    def build(folder: Path) -> Path:
        path = good_document(folder).rename(folder / name)
        conn = sqlite3.connect(path)
        for statement in sql:
            conn.execute(statement)
        conn.commit()
        conn.close()
        return path

    return build


KINDS = [
    Kind("planted-trigger", "gkb", _tamper(
        "触发器.gkb", "CREATE TRIGGER wipe AFTER UPDATE ON cell BEGIN DELETE FROM cell; END")),
    Kind("amount-real", "gkb", _tamper(
        "小数金额.gkb", "UPDATE cell SET num = 1.5")),
]
