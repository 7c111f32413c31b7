"""Is the file's schema exactly the one our migrations create? A received file must carry no planted SQL.

A colleague's file could hold a trigger that fires on the clerk's next edit, a view, an extra table or an
altered one. Before any statement touches the file's own objects, :func:`schema_problem` compares its
``sqlite_master`` (type, name, table and normalised SQL) with the schema the migrations build at the file's
``user_version`` (built once in an in-memory database, then kept in the per-user compiled cache keyed by the
migrations' text, so a start does not replay them). Every connection we open
also sets ``PRAGMA trusted_schema = OFF`` (:func:`distrust_schema`), so SQL in a schema can never call a
function with side effects.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache
from pathlib import Path

from ..compiled_cache import files_fingerprint, read_compiled, write_compiled
from ..digest import sha256
from ..i18n import N_, tr
from .migrations import migrations

Entry = tuple[str, str, str, str | None]  # (type, name, tbl_name, normalised sql)
_SPACE = re.compile(r"\s+")
_LISTING = "SELECT type, name, tbl_name, sql FROM sqlite_master"
_KINDS = {"table": N_("表"), "index": N_("索引"), "view": N_("视图"), "trigger": N_("触发器")}  # shown through tr()


def distrust_schema(conn: sqlite3.Connection) -> None:
    """Never let SQL stored in a file (views, triggers, defaults) call functions with side effects."""
    conn.execute("PRAGMA trusted_schema = OFF")


def _normal(sql: str | None) -> str | None:
    if sql is None:
        return None
    text = _SPACE.sub(" ", sql).strip()
    return re.sub(r"\s*([(),])\s*", r"\1", text)


def _entries(rows: list[tuple[object, ...]]) -> set[Entry] | None:
    out: set[Entry] = set()
    for kind, name, tbl, sql in rows:
        if not (isinstance(kind, str) and isinstance(name, str) and isinstance(tbl, str)
                and (sql is None or isinstance(sql, str))):
            return None
        out.add((kind, name, tbl, _normal(sql)))
    return out


@cache
def reference(version: int) -> frozenset[Entry]:
    """The schema the migrations create at ``version`` (0: an empty database), from the compiled cache when
    this module, the migrations up to ``version`` and SQLite are the ones it was built with."""
    digest = sha256(f"{version}|{sqlite3.sqlite_version}".encode())
    for number, sql in migrations():
        if number <= version:
            digest.update(sql.encode())
    fingerprint = files_fingerprint([Path(__file__)], []) + digest.hexdigest()[:16]
    name = f"schema-v{version}"
    cached = read_compiled(name, fingerprint, frozenset)
    if cached is not None:
        return cached
    built = _build_reference(version)
    write_compiled(name, fingerprint, built)
    return built


def _build_reference(version: int) -> frozenset[Entry]:
    """The schema the migrations create at ``version``, replayed in an in-memory database."""
    conn = sqlite3.connect(":memory:")
    try:
        for number, sql in migrations():
            if number > version:
                break
            for statement in sql.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
        entries = _entries(conn.execute(_LISTING).fetchall())
    finally:
        conn.close()
    assert entries is not None
    return frozenset(entries)


def _describe(entry: Entry) -> str:
    kind, name, tbl, _ = entry
    what = tr(_KINDS[kind]) if kind in _KINDS else kind
    if kind == "table" or name == tbl:
        return tr("{what}“{name}”", what=what, name=name)
    return tr("{what}“{name}”（属于表“{tbl}”）", what=what, name=name, tbl=tbl)


def schema_problem(conn: sqlite3.Connection, version: int) -> str | None:
    """What differs from the expected schema at ``version`` (in Chinese), or None when it is exactly ours."""
    found = _entries(conn.execute(_LISTING).fetchall())
    if found is None:
        return tr("数据库结构记录的类型不对")
    expected = reference(version)
    extra, missing = found - expected, expected - found
    altered = {e[1] for e in extra} & {e[1] for e in missing}
    parts = []
    for entry in sorted(extra):
        if entry[1] in altered:
            parts.append(tr("{describe}的定义被改动过", describe=_describe(entry)))
        else:
            parts.append(tr("多出了{describe}", describe=_describe(entry)))
    parts.extend(tr("缺少{describe}", describe=_describe(e)) for e in sorted(missing) if e[1] not in altered)
    if not parts:
        return None
    shown = "；".join(parts[:3]) + (tr("等 {count} 处", count=len(parts)) if len(parts) > 3 else "")
    return shown
