"""Finish what a crash interrupted: roll back the hot journal a killed or powered-off save left beside a file.

A save that was cut off leaves ``NAME-journal`` next to the document. SQLite restores the last committed
state from it, but only through a connection that may write; the read-only probe cannot read such a file
at all. :func:`recover` rolls it back (only for our own documents, recognised by the application id in the
raw header, which a save never changes). Nothing committed is lost: the journal holds the pages as they were
before the interrupted save.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .errors import DocumentError

READONLY_ROLLBACK = getattr(sqlite3, "SQLITE_READONLY_ROLLBACK", 776)


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + "-journal")


def needs_rollback(exc: sqlite3.Error) -> bool:
    """True when a read-only connection failed because a hot journal must be rolled back first."""
    return getattr(exc, "sqlite_errorcode", None) == READONLY_ROLLBACK


def interrupted_error(path: Path) -> DocumentError:
    journal = journal_path(path).name
    return DocumentError(
        "interrupted",
        f"文件“{path.name}”上次保存时被中断（断电或程序被强行关闭），同一文件夹中的“{journal}”记录着恢复所需的内容，"
        f"但这个位置不能写入，无法恢复。请把文件连同“{journal}”一起复制到可写的文件夹（如桌面）后再打开；"
        f"不要删除“{journal}”，否则文件可能损坏。",
    )


def recover(path: Path, busy_timeout_ms: int) -> None:
    """Roll back the hot journal of ``path`` (our own document); raises :class:`DocumentError` if impossible."""
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise interrupted_error(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        conn.execute("PRAGMA schema_version").fetchone()  # the first read rolls the hot journal back
    except sqlite3.Error as exc:
        raise DocumentError(
            "corrupt", f"文件“{path.name}”上次保存时被中断，自动恢复失败（{exc}）。文件未被进一步改动，请使用备份或把文件发给技术支持。"
        ) from exc
    finally:
        conn.close()
