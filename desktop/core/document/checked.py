"""Files this program already checked in full and left as they are: the next open skips the content scan.

Opening a document checks every stored value (validate.py) and the whole file's integrity (quick_check),
because a received file is hostile until proven otherwise. On a 10,000-row document that scan is most of
what `gongkai set` costs, and it proves nothing new about a file this user's program checked, then wrote
itself, and nobody touched since. So when a document this program opened (after the full check) and wrote
is closed, the file's *state* is recorded in the user's cache folder: its device, inode, size, modification
time (ns) and SQLite's file change counter, with the versions of the program and of the checks. At the
next open the full check is skipped only if every one of these is unchanged and no journal lies beside it.

The recorded modification time is one this program sets itself, with random sub-second digits: a file
system's clock ticks coarsely, so a write by another program in the same tick could otherwise leave the
time unchanged, but it will not leave these digits. A file received, copied, restored from a backup or
changed by any other program has another inode, time or change counter, and gets the full check. What this does not defend against: someone
who can write this user's files and reset their times and counters at will (who could as well change the
program). The schema check (planted triggers and views) still runs on every open. ``GONGKAI_NO_CACHE=1``
turns the record off.

The record may carry results computed from exactly that state (:mod:`desktop.core.kept_findings`: the 绩效
and 情况说明 findings), after the state on a line of its own: :func:`kept_with` hands them back for that state
only, and :func:`state_as_left` tells whether the file is still in it, under the same conditions as the
skipped scan.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ..compiled_cache import cache_base, files_fingerprint, replace_cache_file
from ..digest import sha256

HEADER_BYTES = 100  # SQLite's file header; bytes 24..28 are the file change counter
KEEP_RECORDS = 500  # records kept in the cache folder (the files this user worked on last)
KEEP_BYTES = 64 * 1024 * 1024  # and their size in all (a record keeping many findings may be a megabyte)


def _random_below(limit: int) -> int:
    """A number in [0, limit) from the system's random source (what ``secrets.randbelow`` does, without
    importing it at start; the slight bias of a modulo over 64 bits does not matter here)."""
    return int.from_bytes(os.urandom(8), "big") % limit


def _record_path(path: Path) -> Path:
    name = sha256(str(path.resolve()).encode()).hexdigest()[:32]
    return cache_base() / "checked" / name


def file_state(path: Path) -> str | None:
    """What the file is now, or None if it cannot be told (then it is always checked in full)."""
    try:
        st = os.stat(path)
        with path.open("rb") as fh:
            head = fh.read(HEADER_BYTES)
    except OSError:
        return None
    if len(head) < HEADER_BYTES:
        return None
    checks = files_fingerprint([Path(__file__).with_name(m) for m in ("validate.py", "schema.py", "probe.py")], [])
    return f"{checks}|{st.st_dev}|{st.st_ino}|{st.st_size}|{st.st_mtime_ns}|{head[24:28].hex()}"


def records_on() -> bool:
    """Whether records are kept at all (``GONGKAI_NO_CACHE=1`` turns them off)."""
    return not os.environ.get("GONGKAI_NO_CACHE")


def _journal_beside(path: Path) -> bool:
    return any(path.with_name(path.name + suffix).exists() for suffix in ("-journal", "-wal"))


def state_as_left(path: Path) -> str | None:
    """The file's state when ``path`` is exactly as this program left it after checking it in full (its
    record's first line); None otherwise."""
    if not records_on() or _journal_beside(path):
        return None
    state = file_state(path)
    if state is None:
        return None
    line = state.encode("ascii")
    try:
        with _record_path(path).open("rb") as fh:
            head = fh.read(len(line) + 1)
    except OSError:
        return None
    return state if head in (line, line + b"\n") else None  # a record keeping no results has no newline


def kept_with(path: Path, state: str) -> bytes:
    """The results the record of ``path`` keeps for ``state`` (``b""``: none, or the record is of another)."""
    line = state.encode("ascii") + b"\n"
    try:
        recorded = _record_path(path).read_bytes()
    except OSError:
        return b""
    return recorded[len(line):] if recorded.startswith(line) else b""


def already_checked(path: Path) -> bool:
    """Whether ``path`` is exactly as this program left it after checking it in full."""
    return state_as_left(path) is not None


def remember_checked(path: Path, results: bytes = b"") -> None:
    """Record the file's present state as checked, with ``results`` computed from it: called on closing a
    document this program opened (after the full check, or after a check skipped by this record) and wrote."""
    if not records_on() or _journal_beside(path):
        return
    try:
        st = os.stat(path)
        second = st.st_mtime_ns - st.st_mtime_ns % 1_000_000_000
        os.utime(path, ns=(st.st_atime_ns, second + _random_below(10_000_000) * 100))  # see the docstring
    except OSError:
        return  # a medium whose times cannot be set: always checked in full
    state = file_state(path)
    if state is None:
        return
    target = _record_path(path)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_cache_file(target, state.encode("ascii") + (b"\n" + results if results else b""))
        _prune(target.parent)


def _prune(folder: Path) -> None:
    """Keep the records written last, at most :data:`KEEP_RECORDS` of them and :data:`KEEP_BYTES` in all: one
    per file ever closed would grow without end (a forgotten file is simply checked in full again)."""
    with os.scandir(folder) as entries:
        records = sorted(((st.st_mtime_ns, st.st_size, entry.path) for entry in entries
                          if entry.is_file() and (st := entry.stat())), reverse=True)
    kept_bytes = 0
    for n, (_, size, path) in enumerate(records):
        kept_bytes += size
        if n >= KEEP_RECORDS or (n > 0 and kept_bytes > KEEP_BYTES):  # the newest stays, whatever its size
            with contextlib.suppress(OSError):
                os.unlink(path)


def forget_checked(path: Path) -> None:
    """Drop the record (a write this program could not finish cleanly: check in full next time)."""
    with contextlib.suppress(OSError):
        _record_path(path).unlink(missing_ok=True)
