"""Refuse anything that is not a plain file before reading a byte of it.

A FIFO named like a document would hang the reader, ``/dev/zero`` would fill the memory, a socket or a
device would crash SQLite. Only ``os.stat``/``os.lstat`` are used here: nothing is opened.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..i18n import N_, tr
from .errors import DocumentError

_WHAT = (
    (stat.S_ISDIR, N_("文件夹")),
    (stat.S_ISFIFO, N_("命名管道（FIFO）")),
    (stat.S_ISSOCK, N_("套接字")),
    (stat.S_ISCHR, N_("设备文件")),
    (stat.S_ISBLK, N_("设备文件")),
)


def kind_of(mode: int) -> str:
    """A plain-Chinese name of a non-regular file type."""
    for test, name in _WHAT:
        if test(mode):
            return tr(name)
    return tr("特殊文件")


def require_document_file(path: Path) -> os.stat_result:
    """The ``stat`` of ``path`` if it is a regular file (a symlink to one is fine); else DocumentError."""
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        if os.path.lexists(path):
            raise DocumentError("not_document", tr("“{name}”是指向不存在位置的快捷方式（符号链接），不是公开表工作台文档。"
                                                   "请打开它原本指向的 .gkb 文件。", name=path.name)) from exc
        raise DocumentError("missing", tr("找不到文件：{path}。请确认文件没有被移动、改名或删除。", path=path)) from exc
    except PermissionError as exc:
        raise DocumentError("unreadable", tr("没有权限读取文件“{name}”。请检查文件权限。", name=path.name)) from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DocumentError("not_document", tr("“{name}”是循环指向自身的快捷方式（符号链接），不是公开表工作台文档。"
                                                   "请打开真正的 .gkb 文件。", name=path.name)) from exc
        raise DocumentError("unreadable", tr("无法读取文件“{name}”（{reason}）。请确认文件所在的磁盘可以访问。",
                                                 name=path.name, reason=exc.strerror)) from exc
    if stat.S_ISDIR(st.st_mode):
        raise DocumentError("not_document", tr("“{path}”是文件夹，不是公开表工作台文档。请打开文件夹中的 .gkb 文件。",
                                               path=path))
    if not stat.S_ISREG(st.st_mode):
        raise DocumentError("not_document", tr("“{name}”是{kind}，不是普通文件，更不是公开表工作台文档，"
                                               "未读取其内容。请选择本软件保存的 .gkb 文件。",
                                               name=path.name, kind=kind_of(st.st_mode)))
    return st


def require_plain_journal(path: Path, journal: Path) -> None:
    """The journal beside a document, if there is one, must be a plain file (not a link, FIFO or folder)."""
    try:
        st = os.lstat(journal)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DocumentError("bad_journal", tr("文件“{name}”旁的“{journal}”无法检查（{reason}），"
                                              "未打开文件。请把它移走或删除后再打开（如确认它不是恢复所需的日志）。",
                                              name=path.name, journal=journal.name, reason=exc.strerror)) from exc
    if not stat.S_ISREG(st.st_mode):
        what = tr("快捷方式（符号链接）") if stat.S_ISLNK(st.st_mode) else kind_of(st.st_mode)
        raise DocumentError("bad_journal", tr("文件“{name}”旁的“{journal}”是{what}，不是 SQLite 保存日志，"
                                              "文件和它都未做任何改动。请把它移走或删除后再打开。",
                                              name=path.name, journal=journal.name, what=what))
