"""Hostile edit-lock files beside a healthy document.

Read-only commands never look at the lock: they succeed (0, or 1 when the checks find 错误) and leave it as
it is. ``gongkai set`` must not edit while someone may be editing: an unreadable or odd lock makes the
document read-only, so the edit is refused (exit 2) with a message saying the lock looks damaged and how
to clear it. A lock left by a dead process on this computer is taken over (the edit is saved).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from desktop.core.document.lock import lock_path
from hostile.harness import GKB_COMMANDS, Kind, Run, good_document

DAMAGED = ("锁文件", "已损坏", "删除")
READ_ONLY_RUNS = tuple(Run(argv, frozenset({0, 1})) for argv in (
    ("check", "{input}"), ("check", "{input}", "--json"), ("dump", "{input}"), ("review", "{input}"),
    ("forms", "{input}"), ("diff", "{good}", "{input}")))
SET = GKB_COMMANDS[7]


def _dead_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)


def _with_lock(name: str, make: Callable[[Path], None]) -> Callable[[Path], Path]:
    """A healthy document with ``make(lock file path)`` run beside it."""

    def build(folder: Path) -> Path:
        path = good_document(folder).rename(folder / name)
        make(lock_path(path.resolve()))
        return path

    return build


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda lock: lock.write_bytes(data)


def _record(**fields: object) -> Callable[[Path], None]:
    base = {"user": "王会计", "host": socket.gethostname(), "pid": os.getpid(), "at": "2026-11-20T09:30:00"}
    return _bytes(json.dumps({**base, **fields}, ensure_ascii=False).encode())


def _fifo(lock: Path) -> None:
    os.mkfifo(lock)


def bind_socket(path: Path) -> None:
    """A Unix socket at ``path`` (bound from its folder: socket paths are limited to ~100 bytes)."""
    here = os.getcwd()
    os.chdir(path.parent)
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(path.name)
        sock.close()
    finally:
        os.chdir(here)


def _stale_with_abandoned_takeover(lock: Path) -> None:
    _record(pid=_dead_pid())(lock)
    mutex = lock.with_name(lock.name + ".takeover")
    mutex.write_bytes(b"")
    old = time.time() - 3600
    os.utime(mutex, (old, old))


def _damaged(name: str, file: str, make: Callable[[Path], None], notes: str = "") -> Kind:
    return Kind(name, "lock", _with_lock(file, make), runs=(*READ_ONLY_RUNS, Run(SET, words=DAMAGED)), notes=notes)


KINDS = [
    _damaged("lock-malformed-json", "锁坏.gkb", _bytes(b'{"user": "\xe7\x8e\x8b", "pid": ')),
    _damaged("lock-empty", "锁空.gkb", _bytes(b"")),
    _damaged("lock-binary", "锁二进制.gkb", _bytes(bytes(range(256)) * 4)),
    _damaged("lock-utf16", "锁编码.gkb", _bytes(json.dumps({"user": "王"}).encode("utf-16"))),
    _damaged("lock-deeply-nested", "锁嵌套.gkb", _bytes(b"[" * 2000 + b"]" * 2000)),
    _damaged("lock-array", "锁数组.gkb", _bytes(b"[1, 2, 3]")),
    _damaged("lock-string", "锁文字.gkb", _bytes(b'"someone"')),
    _damaged("lock-null", "锁空值.gkb", _bytes(b"null")),
    _damaged("lock-pid-huge", "锁大进程号.gkb", _record(pid=2**40)),
    _damaged("lock-pid-2-63", "锁极大进程号.gkb", _record(pid=2**63)),
    _damaged("lock-pid-negative", "锁负进程号.gkb", _record(pid=-5)),
    _damaged("lock-pid-text", "锁文字进程号.gkb", _record(pid="1234")),
    _damaged("lock-pid-bool", "锁布尔进程号.gkb", _record(pid=True)),
    _damaged("lock-pid-float", "锁小数进程号.gkb", _record(pid=12.5)),
    _damaged("lock-user-number", "锁用户.gkb", _record(user=5)),
    _damaged("lock-host-missing", "锁无电脑.gkb", _record(host=None)),
    _damaged("lock-giant", "锁巨大.gkb", _bytes(b" " * 20_000_000 + b"{}")),
    _damaged("lock-symlink-dev-zero", "锁零设备.gkb", lambda lock: lock.symlink_to("/dev/zero")),
    _damaged("lock-symlink-to-valid-lock", "锁链接.gkb",
             lambda lock: (_record()(lock.with_name("elsewhere.json")), lock.symlink_to("elsewhere.json"))),
    _damaged("lock-dangling-symlink", "锁断链.gkb", lambda lock: lock.symlink_to("nowhere")),
    _damaged("lock-symlink-loop", "锁循环.gkb", lambda lock: lock.symlink_to(lock.name)),
    _damaged("lock-fifo", "锁管道.gkb", _fifo),
    _damaged("lock-socket", "锁套接字.gkb", bind_socket),
    _damaged("lock-directory", "锁目录.gkb", lambda lock: lock.mkdir()),
    Kind("lock-other-computer", "lock", _with_lock("他人.gkb", _record(host="财务科-PC2", pid=4242)),
         runs=(*READ_ONLY_RUNS, Run(SET, words=("王会计", "财务科-PC2", "正在编辑")))),
    Kind("lock-live-process-here", "lock", _with_lock("在编辑.gkb", _record(pid=1)),
         runs=(*READ_ONLY_RUNS, Run(SET, words=("王会计", "正在编辑")))),
    Kind("lock-stale-taken-over", "lock", _with_lock("残留.gkb", lambda lock: _record(pid=_dead_pid())(lock)),
         runs=(*READ_ONLY_RUNS, Run(SET, frozenset({0}), may_write=True))),
    Kind("lock-stale-with-abandoned-takeover", "lock", _with_lock("残留接管.gkb", _stale_with_abandoned_takeover),
         runs=(*READ_ONLY_RUNS, Run(SET, frozenset({0}), may_write=True))),
]
