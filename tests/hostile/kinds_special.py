"""Things named like a document that are not plain files, and odd journals beside a healthy document.

A FIFO would hang a reader, ``/dev/zero`` would fill the memory, a socket or a device would crash SQLite:
each is refused from ``os.stat`` alone, before anything is opened.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from hostile.harness import Kind, Run, good_document
from hostile.kinds_lock import READ_ONLY_RUNS, SET, bind_socket

NOT_A_FILE = ("不是普通文件",)


def _named(name: str, make: Callable[[Path], None]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        make(path)
        return path

    return build


def _journal(name: str, make: Callable[[Path], None]) -> Callable[[Path], Path]:
    """A healthy document with something odd where its rollback journal would be."""

    def build(folder: Path) -> Path:
        path = good_document(folder).rename(folder / name)
        make(path.with_name(path.name + "-journal"))
        return path

    return build


def _fifo_link(path: Path) -> None:
    os.mkfifo(path.with_name("管道"))
    path.symlink_to("管道")


KINDS = [
    Kind("special-fifo", "special", _named("管道.gkb", os.mkfifo), words=("命名管道",)),
    Kind("special-socket", "special", _named("套接字.gkb", bind_socket), words=("套接字",)),
    Kind("special-symlink-dev-zero", "special", _named("零.gkb", lambda p: p.symlink_to("/dev/zero")),
         words=("设备文件",)),
    Kind("special-symlink-dev-null", "special", _named("空设备.gkb", lambda p: p.symlink_to("/dev/null")),
         words=("设备文件",)),
    Kind("special-dev-zero-itself", "special", lambda folder: Path("/dev/zero"), words=("设备文件",)),
    Kind("special-symlink-to-fifo", "special", _named("链到管道.gkb", _fifo_link), words=("命名管道",)),
    Kind("special-symlink-loop", "special", _named("循环.gkb", lambda p: p.symlink_to(p.name)), words=("循环",)),
    Kind("special-dangling-symlink", "special", _named("断链.gkb", lambda p: p.symlink_to("不存在.gkb")),
         words=("符号链接",)),
    Kind("special-directory-named-gkb", "special", _named("文件夹.gkb", lambda p: p.mkdir()), words=("文件夹",)),
    Kind("special-symlink-to-directory", "special", _named("链到文件夹.gkb", lambda p: p.symlink_to("/tmp")),
         words=("文件夹",)),
    Kind("journal-fifo", "special", _journal("日志管道.gkb", os.mkfifo), words=("-journal", "命名管道")),
    Kind("journal-symlink-dev-zero", "special", _journal("日志零.gkb", lambda j: j.symlink_to("/dev/zero")),
         words=("-journal", "符号链接")),
    Kind("journal-directory", "special", _journal("日志目录.gkb", lambda j: j.mkdir()), words=("-journal", "文件夹")),
    Kind("journal-socket", "special", _journal("日志套接字.gkb", bind_socket), words=("-journal", "套接字")),
    # not a journal SQLite recognises: nothing is replayed from it; a read-only command reads the file as it
    # is and writes nothing, an editing open lets SQLite discard it
    Kind("journal-garbage", "special", _journal("日志乱码.gkb", lambda j: j.write_bytes(b"\x01garbage" * 500)),
         runs=(*READ_ONLY_RUNS, Run(SET, frozenset({0}), may_write=True))),
]
