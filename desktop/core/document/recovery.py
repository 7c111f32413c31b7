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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..i18n import tr
from .errors import DocumentError
from .schema import distrust_schema

READONLY_ROLLBACK = getattr(sqlite3, "SQLITE_READONLY_ROLLBACK", 776)
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
MAX_SEGMENTS = 10_000


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + "-journal")


def needs_rollback(exc: sqlite3.Error) -> bool:
    """True when a read-only connection failed because a hot journal must be rolled back first."""
    return getattr(exc, "sqlite_errorcode", None) == READONLY_ROLLBACK


def interrupted_error(path: Path) -> DocumentError:
    journal = journal_path(path).name
    return DocumentError(
        "interrupted",
        tr("文件“{name}”上次保存时被中断（断电或程序被强行关闭），同一文件夹中的“{journal}”记录着恢复所需的内容，"
           "但这个位置不能写入，无法恢复。请把文件连同“{journal}”一起复制到可写的文件夹（如桌面）后再打开；"
           "不要删除“{journal}”，否则文件可能损坏。", name=path.name, journal=journal),
    )


def _page_size(header: bytes) -> int:
    value = int.from_bytes(header[16:18], "big")
    return 65536 if value == 1 else value


def journal_belongs(path: Path) -> bool:
    """Whether the rollback journal beside ``path`` was written for this very file.

    SQLite journals page 1 (with the file change counter at offset 24) before changing it; a save cut
    short leaves the file's counter equal to the saved one or one more. A journal without page 1 (pages
    spilled before the commit) must have the file's page count as its initial size. A journal whose saved page 1 has
    another page size, application id or counter belongs to another file (an older copy, say), and
    rolling it back would write that file's pages into this one. A journal that holds no records
    (never made valid) changes nothing and is harmless. See https://www.sqlite.org/fileformat.html.
    """
    try:
        return _journal_belongs(path, journal_path(path))
    except OSError:
        return False  # cannot be read, so cannot be shown to belong


def _journal_belongs(path: Path, journal: Path) -> bool:
    with path.open("rb") as db:
        current = db.read(100)
    size = journal.stat().st_size
    with journal.open("rb") as fh:
        header = fh.read(28)
        if len(header) < 28 or header[:8] != JOURNAL_MAGIC:
            return True  # not a valid journal: SQLite replays nothing from it
        if int.from_bytes(header[8:12], "big") == 0:
            return True  # records never made valid: nothing is replayed
        page_size = int.from_bytes(header[24:28], "big")
        if len(current) < 100 or page_size != _page_size(current):
            return False
        saved = _find_page_one(fh, size, page_size)
    if saved is None:  # page 1 not yet changed (pages spilled mid-save): the file's size must be the saved one
        return int.from_bytes(header[16:20], "big") == int.from_bytes(current[28:32], "big")
    counter = (int.from_bytes(current[24:28], "big") - int.from_bytes(saved[24:28], "big")) % 2**32
    return saved[68:72] == current[68:72] and _page_size(saved) == page_size and counter in (0, 1)


def _find_page_one(fh, size: int, page_size: int) -> bytes | None:  # noqa: ANN001 - a binary file
    """Walk the journal's segments (header, then records of page number, page, checksum) to page 1."""
    offset = 0
    record = page_size + 8
    for _segment in range(MAX_SEGMENTS):
        fh.seek(offset)
        header = fh.read(28)
        if len(header) < 28 or header[:8] != JOURNAL_MAGIC:
            return None
        count = int.from_bytes(header[8:12], "big")
        sector = int.from_bytes(header[20:24], "big")
        if sector < 32 or sector > 65536 or sector & (sector - 1):
            return None
        first = offset + sector
        if count == 0xFFFFFFFF:  # written without syncs: the rest of the journal is records
            count = max(0, (size - first) // record)
        for index in range(min(count, max(0, (size - first) // record))):
            fh.seek(first + index * record)
            if int.from_bytes(fh.read(4), "big") == 1:
                return fh.read(100)
        end = first + count * record
        offset = -(-end // sector) * sector  # the next segment starts on a sector boundary
        if offset + 28 > size:
            return None
    return None


def foreign_journal_error(path: Path) -> DocumentError:
    journal = journal_path(path).name
    return DocumentError(
        "foreign_journal",
        tr("文件“{name}”旁有一个保存日志“{journal}”，但它不属于这个文件（可能是把别的或更新的文件复制到了旧日志旁边）。"
           "为免写坏文件，没有使用这个日志，也没有打开文件；两个文件都原样保留。请把“{journal}”移到别处后再打开，"
           "或把两个文件一起发给技术支持。", name=path.name, journal=journal),
    )


@contextmanager
def recovered_copy(path: Path, busy_timeout_ms: int) -> Iterator[Path]:
    """A copy of ``path`` with its hot journal rolled back, in a temporary folder (removed afterwards).

    A read-only open (gongkai check, a colleague's file) never writes beside the original: it reads this.
    """
    import shutil  # only for a file whose last save was cut short
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="gongkai-recover-"))
    try:
        copy = folder / path.name
        try:
            shutil.copyfile(path, copy)
            shutil.copyfile(journal_path(path), journal_path(copy))
        except OSError as exc:
            raise DocumentError("interrupted", tr("文件“{name}”上次保存时被中断，无法在临时文件夹中恢复出可读的副本"
                                                  "（{reason}），文件未做任何改动。请以编辑方式打开它以完成恢复。",
                                                  name=path.name, reason=exc.strerror)) from exc
        _roll_back(copy, path, busy_timeout_ms)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def recover(path: Path, busy_timeout_ms: int) -> None:
    """Roll back the hot journal of ``path`` (our own document); raises :class:`DocumentError` if impossible."""
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise interrupted_error(path)
    _roll_back(path, path, busy_timeout_ms)


def _roll_back(path: Path, shown: Path, busy_timeout_ms: int) -> None:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None)
    try:
        distrust_schema(conn)
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        conn.execute("PRAGMA schema_version").fetchone()  # the first read rolls the hot journal back
    except sqlite3.Error as exc:
        raise DocumentError(
            "corrupt", tr("文件“{name}”上次保存时被中断，自动恢复失败（{error}）。文件未被进一步改动，请使用备份或把文件发给技术支持。",
                          name=shown.name, error=exc)
        ) from exc
    finally:
        conn.close()
