"""Read a file someone else handed over: a regular file of bounded size, never a FIFO, device or folder.

The path is checked with ``stat`` before it is opened (a FIFO is never opened: opening one for reading
waits for a writer that may never come; ``/dev/zero`` would never end), then opened without blocking and
checked again on the open descriptor, so a file swapped in between is caught too. At most ``max_bytes`` + 1
bytes are read, so a file that grows while it is read cannot exhaust memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..i18n import N_, tr

_KIND = (
    (stat.S_ISDIR, N_("是一个文件夹")),
    (stat.S_ISFIFO, N_("是一个管道（FIFO）")),
    (stat.S_ISCHR, N_("是一个设备")),
    (stat.S_ISBLK, N_("是一个设备")),
    (stat.S_ISSOCK, N_("是一个套接字")),
)


class UnsafeFileError(ValueError):
    """A file that is not read; ``str()`` is the Chinese reason. Nothing was read or changed."""


def _not_regular(path: Path, mode: int, what: str) -> UnsafeFileError:
    kind = next((tr(text) for test, text in _KIND if test(mode)), tr("不是普通文件"))
    return UnsafeFileError(tr("“{path}”{kind}，不是普通文件，未读取。请选择要读入的{what}文件本身。", path=path, kind=kind, what=what))


def read_regular_file(path: Path, max_bytes: int, what: str) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``; raises :class:`UnsafeFileError`.

    ``what`` names the expected kind of file in the message (“Excel 工作簿”, “JSON”).
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode  # follows a symlink: a link to /dev/zero is a device
    except FileNotFoundError as exc:
        raise UnsafeFileError(tr("找不到文件：{path}", path=path)) from exc
    except OSError as exc:
        raise UnsafeFileError(tr("无法读取“{name}”（{value}）。请确认文件存在且有读取权限。", name=path.name, value=exc.strerror or exc)) from exc
    if not stat.S_ISREG(mode):
        raise _not_regular(path, mode, what)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise UnsafeFileError(tr("无法读取“{name}”（{value}）。请确认文件存在且有读取权限。", name=path.name, value=exc.strerror or exc)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # swapped for something else after the first look
            raise _not_regular(path, info.st_mode, what)
        if info.st_size > max_bytes:
            raise UnsafeFileError(_too_big(path, info.st_size, max_bytes, what))
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise UnsafeFileError(_too_big(path, total, max_bytes, what))
        return b"".join(chunks)
    except OSError as exc:
        raise UnsafeFileError(tr("无法读取“{name}”（{value}）。", name=path.name, value=exc.strerror or exc)) from exc
    finally:
        os.close(fd)


def _too_big(path: Path, size: int, max_bytes: int, what: str) -> str:
    return (tr("文件“{name}”有 {size:,} 字节，超过 {what} 文件的上限 {max_bytes:,} 字节，已拒绝。"
            "请确认选对了文件。", name=path.name, size=size, what=what, max_bytes=max_bytes))
