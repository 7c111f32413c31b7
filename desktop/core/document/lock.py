"""Who has a document open for editing: a small lock file beside it, so a second copy opens read-only.

The lock file (``.NAME.gongkai-lock`` in the same folder) names the user, computer, process and time. It
is created atomically (O_EXCL); a lock left behind by a process that no longer runs on this computer is
taken over. A lock from another computer cannot be checked and is respected: the message says whose it
is and how to clear it if that computer is known to be off.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

_held: dict[Path, tuple[str, int]] = {}  # lock path -> (token, how many Documents of this process use it)


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.gongkai-lock")


@dataclass(frozen=True)
class LockInfo:
    user: str
    host: str
    pid: int
    at: str

    def describe(self) -> str:
        when = self.at.replace("T", " ")[:16]
        return f"{self.user or '另一位用户'}（电脑 {self.host}）自 {when} 起正在编辑此文件"


class LockedByOther(Exception):
    def __init__(self, info: LockInfo, lock_file: Path) -> None:
        super().__init__(info.describe())
        self.info, self.lock_file = info, lock_file


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - untested here; see packaging/README.md
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read(lock_file: Path) -> LockInfo | None:
    try:
        data = json.loads(lock_file.read_text(encoding="utf-8"))
        return LockInfo(str(data.get("user", "")), str(data.get("host", "")), int(data.get("pid", 0)),
                        str(data.get("at", "")))
    except (OSError, ValueError, TypeError):
        return None


def acquire(path: Path, who: str) -> Path | None:
    """Take the edit lock of ``path``; returns the lock file, or None where no lock can be written.

    Raises :class:`LockedByOther` if another running process holds it.
    """
    lock_file = lock_path(Path(path).resolve())
    if lock_file in _held:
        token, count = _held[lock_file]
        _held[lock_file] = (token, count + 1)
        return lock_file
    token = secrets.token_hex(8)
    record = {"user": who, "host": socket.gethostname(), "pid": os.getpid(),
              "at": datetime.now().isoformat(timespec="seconds"), "token": token}
    for _attempt in range(2):
        try:
            fd = os.open(lock_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            info = _read(lock_file)
            stale = info is None or (info.host == socket.gethostname() and not _pid_alive(info.pid))
            if stale:
                with contextlib.suppress(OSError):
                    lock_file.unlink()
                continue
            raise LockedByOther(info, lock_file) from None
        except OSError:
            return None  # a read-only folder or a medium without locks: nothing to protect against
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        _held[lock_file] = (token, 1)
        return lock_file
    return None


def release(lock_file: Path | None) -> None:
    """Give the lock back (the file is removed when the last Document of this process closes)."""
    if lock_file is None or lock_file not in _held:
        return
    token, count = _held[lock_file]
    if count > 1:
        _held[lock_file] = (token, count - 1)
        return
    del _held[lock_file]
    try:
        data = json.loads(lock_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if data.get("token") == token:
        with contextlib.suppress(OSError):
            lock_file.unlink()
