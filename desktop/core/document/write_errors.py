"""A save that cannot be made, told in plain Chinese: disk full, file gone or replaced, no write access.

SQLite's own messages ("database or disk is full", "disk I/O error", "cannot rollback") never reach a
clerk. Before each save the file is checked to be the one that was opened (same device and inode): a
file deleted, moved or replaced by another copy while open is never written through the old handle.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from msgspec import Struct

from ..i18n import tr
from .errors import DocumentError

# every message says the same: "本次修改未保存；之前已保存的内容不受影响。" (written out in each, whole sentences
# for the translator)


class FileIdentity(Struct, frozen=True):
    """Which file on disk a document was opened from."""

    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(st.st_dev, st.st_ino)

    def require_same(self, path: Path) -> None:
        """Refuse to write when ``path`` is no longer the file that was opened."""
        if FileIdentity.of(path) != self:
            raise replaced_error(path)


def replaced_error(path: Path) -> DocumentError:
    return DocumentError(
        "replaced", tr("文件“{name}”已被删除、移动或替换（打开后在磁盘上变了），本次修改未保存；之前已保存的内容不受影响。"
                       "为免写坏别的文件，请关闭后重新打开该文件，或用“另存为”把当前内容保存到新文件。", name=path.name))


def write_error(path: Path, exc: sqlite3.Error) -> DocumentError:
    """The DocumentError for a failed save."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return DocumentError("disk_full", tr("磁盘已满，文件“{name}”无法保存。本次修改未保存；之前已保存的内容不受影响。请清理磁盘空间后再试。",
                                              name=path.name))
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DocumentError("locked", tr("文件“{name}”正被其他程序写入，本次修改未保存；之前已保存的内容不受影响。请稍后再试。",
                                           name=path.name))
    if FileIdentity.of(path) is None:
        return replaced_error(path)
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_IOERR):
        return DocumentError("write_failed", tr("无法写入文件“{name}”（磁盘或网络位置出错，或没有写入权限）。本次修改未保存；之前已保存的内容不受影响。"
                                                "请检查磁盘、U 盘或网络连接后再试，或用“另存为”保存到别处。", name=path.name))
    return DocumentError("write_failed", tr("无法写入文件“{name}”（{detail}）。本次修改未保存；之前已保存的内容不受影响。请稍后再试，或用“另存为”保存到别处。",
                                            name=path.name, detail=exc))


def new_file_error(path: Path, exc: OSError | sqlite3.Error) -> DocumentError:
    """The DocumentError for a new file (a new document, a copy) that could not be written; nothing is left."""
    if isinstance(exc, sqlite3.Error):
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL:
            return DocumentError("disk_full", tr("磁盘已满，未能写入“{name}”，也没有留下不完整的文件。请清理磁盘空间后再试。",
                                                       name=path.name))
        detail = str(exc)
    else:
        if exc.errno == 28:  # ENOSPC
            return DocumentError("disk_full", tr("磁盘已满，未能写入“{name}”，也没有留下不完整的文件。请清理磁盘空间后再试。",
                                                       name=path.name))
        detail = exc.strerror or str(exc)
    return DocumentError("write_failed", tr("未能写入“{path}”（{detail}），也没有留下不完整的文件。"
                                            "请确认该文件夹可以写入（不是只读的 U 盘、光盘或没有权限的网络位置）后再试。",
                                            path=path, detail=detail))
