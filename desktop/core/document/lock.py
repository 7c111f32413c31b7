"""Who has a document open for editing: a small lock file beside it, so a second copy opens read-only.

The lock file (``.NAME.gongkai-lock`` in the same folder) names the user, computer, process and time. It
is written whole to a temporary file and linked into place (O_EXCL where links are not supported), so
exactly one process can create it and nobody reads it half-written. A lock left behind by a process that
no longer runs on this computer is taken over; takeovers are serialised by a short-lived
``.takeover`` file, and a lock is removed only if it still holds the very bytes judged stale, so of many
processes opening at once exactly one gets to edit. A lock from another computer cannot be checked and is
respected. A lock file that cannot be read as ours (damaged, huge, a link, a FIFO, a folder) may still
mean someone is editing: the document opens read-only and the reason says how to clear it.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import time
from datetime import datetime
from pathlib import Path

from msgspec import Struct

from ..digest import sha256
from ..i18n import tr
from .special import kind_of

MAX_LOCK_BYTES = 4096
MAX_PID = 2**31 - 1
TAKEOVER_WAIT_S = 2.0
ABANDONED_TAKEOVER_S = 30.0  # a takeover takes milliseconds; an older .takeover file was left by a killed process
HALF_MADE_S = 60.0  # the same for the temporary file a lock is written to before it is linked into place
# this computer, in the names of those temporary files (a shared folder holds other computers' too)


def _hostname() -> str:
    """This computer's name (what ``socket.gethostname`` answers; from uname where there is one, which is
    the same value without importing the socket module at start)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


_HOST_TAG = sha256(_hostname().encode("utf-8", "replace")).hexdigest()[:8]
_held: dict[Path, tuple[str, int]] = {}  # lock path -> (token, how many Documents of this process use it)


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.gongkai-lock")


class LockInfo(Struct, frozen=True):
    user: str
    host: str
    pid: int
    at: str

    def describe(self) -> str:
        when = self.at.replace("T", " ")[:16]
        return tr("{user}（电脑 {host}）自 {when} 起正在编辑此文件", user=self.user or tr("另一位用户"), host=self.host,
                  when=when)


class LockedByOther(Exception):
    def __init__(self, info: LockInfo, lock_file: Path) -> None:
        super().__init__(info.describe())
        self.info, self.lock_file = info, lock_file


class LockDamaged(Exception):
    """The lock file exists but is not a lock we can read: someone may be editing, so do not edit."""

    def __init__(self, lock_file: Path, what: str) -> None:
        super().__init__(what)
        self.lock_file, self.what = lock_file, what

    def reason(self) -> str:
        return tr("同一文件夹中的编辑锁文件“{name}”看起来已损坏（{what}），无法确认是否有人正在编辑此文件；"
                  "如确认没有其他人打开此文件，可删除“{name}”后重新打开", name=self.lock_file.name, what=self.what)


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
    except (PermissionError, OverflowError):
        return True
    return True


def _raw(lock_file: Path) -> bytes | None:
    """The lock file's bytes (None: there is none); raises LockDamaged for anything but a small plain file."""
    try:
        st = os.lstat(lock_file)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LockDamaged(lock_file, tr("无法检查：{reason}", reason=exc.strerror)) from exc
    if stat.S_ISLNK(st.st_mode):
        raise LockDamaged(lock_file, tr("它是快捷方式（符号链接）"))
    if not stat.S_ISREG(st.st_mode):
        raise LockDamaged(lock_file, tr("它是{kind}", kind=kind_of(st.st_mode)))
    if st.st_size > MAX_LOCK_BYTES:
        raise LockDamaged(lock_file, tr("它有 {size} 字节，远大于正常的锁文件", size=st.st_size))
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(lock_file, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LockDamaged(lock_file, tr("无法读取：{reason}", reason=exc.strerror)) from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise LockDamaged(lock_file, tr("它不是普通文件"))
        return os.read(fd, MAX_LOCK_BYTES + 1)
    except OSError as exc:
        raise LockDamaged(lock_file, tr("无法读取：{reason}", reason=exc.strerror)) from exc
    finally:
        os.close(fd)


def _parse(lock_file: Path, raw: bytes) -> LockInfo:
    """The holder named by a lock file's bytes; raises LockDamaged when they are not a lock of ours."""
    if len(raw) > MAX_LOCK_BYTES:
        raise LockDamaged(lock_file, tr("内容过长"))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _damaged(lock_file, tr("内容不是可识别的锁记录"))
    if not isinstance(data, dict):
        return _damaged(lock_file, tr("内容不是可识别的锁记录"))
    user, host, pid, at = (data.get(k) for k in ("user", "host", "pid", "at"))
    texts_ok = all(isinstance(v, str) and len(v) <= 200 for v in (user, host, at))
    if not texts_ok or not host:
        return _damaged(lock_file, tr("缺少或写错了用户、电脑或时间"))
    if type(pid) is not int or not 0 < pid <= MAX_PID:
        return _damaged(lock_file, tr("进程号无效"))
    return LockInfo(user, host, pid, at)


def _damaged(lock_file: Path, what: str) -> LockInfo:
    raise LockDamaged(lock_file, what)


def _create(lock_file: Path, content: bytes) -> bool | None:
    """Create the lock with ``content`` if there is none: True if made, False if one exists, None if this
    folder cannot hold one (read-only medium)."""
    tmp = lock_file.with_name(f"{lock_file.name}.{_HOST_TAG}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:
        return None  # a read-only folder or a medium without locks: nothing to protect against
    try:
        try:
            os.write(fd, content)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, lock_file)  # atomic, and the lock is never seen half-written
            return True
        except FileExistsError:
            return False
        except OSError:
            pass  # no hard links here (FAT, some network shares): fall back to O_EXCL
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    try:
        fd = os.open(lock_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    except OSError:
        return None
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    return True


def _sweep_half_made(lock_file: Path) -> None:
    """Remove the temporary files of lock creations cut short (a process killed between writing its lock
    and linking it): those of a dead process of this computer at once, anyone's after a minute (a creation
    takes milliseconds)."""
    prefix = lock_file.name + "."
    with contextlib.suppress(OSError):
        for entry in os.scandir(lock_file.parent):
            if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
                continue
            parts = entry.name[len(prefix):-len(".tmp")].split(".")
            with contextlib.suppress(OSError, ValueError):
                mine_dead = (len(parts) == 3 and parts[0] == _HOST_TAG and parts[1].isdigit()
                             and not _pid_alive(int(parts[1])))
                if mine_dead or time.time() - entry.stat(follow_symlinks=False).st_mtime > HALF_MADE_S:
                    os.unlink(entry.path)


def _remove_stale(lock_file: Path, stale: bytes) -> bool:
    """Remove the lock if it still holds exactly ``stale``; False while another process is taking over."""
    mutex = lock_file.with_name(lock_file.name + ".takeover")
    try:
        fd = os.open(mutex, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        with contextlib.suppress(OSError):
            if time.time() - os.lstat(mutex).st_mtime > ABANDONED_TAKEOVER_S:
                os.unlink(mutex)
        return False
    except OSError:
        return False
    os.close(fd)
    try:
        if _raw(lock_file) == stale:  # nobody else can change it while we hold the takeover file
            os.unlink(lock_file)
        return True
    except (OSError, LockDamaged):
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(mutex)


def acquire(path: Path, who: str) -> Path | None:
    """Take the edit lock of ``path``; returns the lock file, or None where no lock can be written.

    Raises :class:`LockedByOther` if another running process holds it, :class:`LockDamaged` if the lock
    file cannot be read as a lock.
    """
    lock_file = lock_path(Path(path).resolve())
    if lock_file in _held:
        token, count = _held[lock_file]
        _held[lock_file] = (token, count + 1)
        return lock_file
    token = os.urandom(8).hex()  # what secrets.token_hex does, without importing it at start
    record = {"user": who, "host": _hostname(), "pid": os.getpid(),
              "at": datetime.now().isoformat(timespec="seconds"), "token": token}
    content = json.dumps(record, ensure_ascii=False).encode("utf-8")
    _sweep_half_made(lock_file)
    deadline = time.monotonic() + TAKEOVER_WAIT_S
    info: LockInfo | None = None
    while time.monotonic() < deadline:
        created = _create(lock_file, content)
        if created is None:
            return None
        if created:
            _held[lock_file] = (token, 1)
            return lock_file
        raw = _raw(lock_file)
        if raw is None:
            continue  # released in the meantime
        info = _parse(lock_file, raw)
        if info.host != _hostname() or _pid_alive(info.pid):
            raise LockedByOther(info, lock_file)
        if not _remove_stale(lock_file, raw):
            time.sleep(0.01)  # another process is taking it over; see who wins
    if info is None:
        raise LockDamaged(lock_file, tr("它在不停地出现又消失"))
    raise LockedByOther(info, lock_file)


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
        raw = _raw(lock_file)
        data = json.loads(raw.decode("utf-8")) if raw else None
    except (LockDamaged, UnicodeDecodeError, ValueError, RecursionError):
        return
    if isinstance(data, dict) and data.get("token") == token:
        with contextlib.suppress(OSError):
            lock_file.unlink()
