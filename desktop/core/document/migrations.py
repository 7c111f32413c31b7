"""Forward-only schema migrations from db/migrations/NNNN_name.sql."""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from pathlib import Path

from ..i18n import tr
from ..paths import migrations_dir

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@lru_cache(maxsize=1)
def migrations() -> tuple[tuple[int, str], ...]:
    """(version, SQL) pairs in order; version N is reached by applying file NNNN."""
    out = []
    for path in sorted(Path(migrations_dir()).glob("*.sql")):
        m = _NAME.match(path.name)
        if m:
            out.append((int(m.group(1)), path.read_text(encoding="utf-8")))
    versions = [v for v, _ in out]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(tr("db/migrations 编号不连续：{versions}", versions=versions))
    return tuple(out)


def schema_version() -> int:
    """The schema version this build writes: the number of the last migration."""
    return len(migrations())


def migrate(conn: sqlite3.Connection, current: int) -> int:
    """Apply every migration after ``current`` inside the caller's transaction; returns the new version."""
    for version, sql in migrations():
        if version > current:
            for statement in sql.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            current = version
    return current
