"""A per-user cache of compiled definitions (template sets, 绩效 forms, narrative specs, code lists), so a
start reads no YAML or CSV and imports no validator.

Each entry is a pickle named after what it holds and a fingerprint of what it was compiled from (the
application's, Python's and the validators' (pydantic's, msgspec's) versions, the compiler modules' and every
data file's name, size and modification time): a change to any of them misses the cache and the thing is
compiled again. The cache lives in the user's own cache folder, one sub-folder per installed copy and
Python environment, written only by this user's processes; a missing, unreadable or stale entry is simply
ignored, and ``GONGKAI_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from pathlib import Path
from typing import TypeVar

import msgspec

from .. import __version__
from .digest import sha256
from .paths import resources_dir

T = TypeVar("T")


def cache_base() -> Path:
    """The application's folder in this user's cache (never shared with other users)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "gongkai"


def cache_dir() -> Path:
    """Where compiled definitions are kept: one folder per installed copy (the place of its resources) and
    Python environment, so two copies, or one checkout run from two environments (whose Python and library
    versions are part of every key), never evict each other's entries."""
    place = sha256(f"{resources_dir()}|{sys.prefix}".encode()).hexdigest()[:12]
    return cache_base() / "sets" / place


def _validator_stamp() -> str:
    """Size and time of the installed pydantic's version file: a new pydantic may validate differently.
    Read from the file system so that a cached start does not import pydantic."""
    for entry in sys.path:  # where the import system would find it (no importlib.util: a cached start is lean)
        try:
            st = Path(entry or ".", "pydantic", "version.py").stat()
        except OSError:
            continue
        return f"{st.st_size}:{st.st_mtime_ns}"
    return "-"


def files_fingerprint(code: list[Path], data_folders: list[Path]) -> str:
    """A digest of the versions, each ``code`` module's name, size and modification time (a changed compiler
    must not meet an old pickle: the test Python's own bytecode cache makes of a source file; hashing the
    modules' text cost every start ~1 ms) and every data file's name, size and modification time under
    ``data_folders``."""
    digest = sha256(f"{__version__}|{_validator_stamp()}|{msgspec.__version__}|{sys.version}".encode())
    for module in code:
        with contextlib.suppress(OSError):
            st = module.stat()
            digest.update(f"{module.name}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    for folder in data_folders:
        for relative, st in _data_files(folder):
            digest.update(f"{folder.name}/{relative}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def _data_files(folder: Path) -> list[tuple[str, os.stat_result]]:
    """Every file under ``folder`` as (relative path with ``/``, its stat), in path order. A start stats these
    on every run: os.scandir takes half the time of os.walk with its path joins (pathlib's rglob several
    times more). Like os.walk, a link to a folder is not followed; an unreadable entry is left out."""
    found: list[tuple[str, os.stat_result]] = []

    def walk(path: str, prefix: str) -> None:
        try:
            entries = os.scandir(path)
        except OSError:
            return
        with entries:
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        walk(entry.path, f"{prefix}{entry.name}/")
                    elif not entry.is_dir():
                        found.append((prefix + entry.name, entry.stat()))
                except OSError:
                    continue

    walk(os.fspath(folder), "")
    found.sort(key=lambda entry: entry[0].split("/"))
    return found


def read_compiled(name: str, fingerprint: str, kind: type[T]) -> T | None:
    """The cached object ``name`` compiled from files with this fingerprint, or None (missing, stale, unreadable)."""
    if os.environ.get("GONGKAI_NO_CACHE"):
        return None
    try:
        with (cache_dir() / f"{name}-{fingerprint}.pickle").open("rb") as fh:
            value = pickle.load(fh)  # noqa: S301 - the user's own cache, written by this module
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return value if isinstance(value, kind) else None


def write_compiled(name: str, fingerprint: str, value: object) -> None:
    """Keep ``value`` for the next start (atomically; older entries of ``name`` removed); failures are ignored."""
    if os.environ.get("GONGKAI_NO_CACHE"):
        return
    target = cache_dir() / f"{name}-{fingerprint}.pickle"
    with contextlib.suppress(OSError, pickle.PickleError):
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in [*target.parent.glob(f"{name}-*.pickle"), *target.parent.glob("*.tmp")]:
            old.unlink(missing_ok=True)  # older entries, and a temp file a killed process left behind
        replace_cache_file(target, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def replace_cache_file(target: Path, data: bytes) -> None:
    """Write ``data`` as ``target`` atomically: a new file of our own beside it (O_EXCL, so never one planted
    there), then a rename; what tempfile.mkstemp does, without importing tempfile into a start or a close.
    Raises OSError (callers that only keep a cache ignore it)."""
    tmp = target.with_name(f"{target.name}.{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
