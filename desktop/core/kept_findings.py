"""The findings of a file's 绩效 forms and 情况说明 kept with its checked state, so that reopening one's own
file need not load their engines, definitions and rows to show them (the tables' engine is built at every
open anyway: it serves every edit).

Closing a document this program wrote records the file's state (document/checked.py: device, inode, size,
a modification time with random digits this program set, SQLite's change counter). With that record it
keeps those findings as computed for exactly that content; the next open shows them only while the
file is still in that state, nothing was written since it was opened, the forms are the same, *and* the
program would compute them the same way: the core modules that were loaded when they were computed, the
form and template definitions, the code lists, the message catalogues and the language are part of
:func:`engine_stamp`. A file received, copied or changed by any other program has another state and is
checked in full; so is any file once the program, its definitions or the language change. The trust is
that of the checked-file record itself: what it does not defend against is someone who can write this
user's cache and reset a file's times and counters at will.

The kept findings are what the session *tells* until something changes: the first edit (of a table, a form,
the text, or an undo) loads the engines it touches and compares what they compute with them, as after a
full check.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

import msgspec

from .compiled_cache import files_fingerprint
from .digest import sha256
from .i18n import active_language, catalogue_dir
from .paths import codes_dir, resources_dir, templates_dir
from .rules.findings import Finding
from .rules.instances import Cell

FORMAT = 3  # the layout of the kept bytes; another number is never read


class KeptFindings(msgspec.Struct, frozen=True):
    """The findings of one file state: of each 绩效 form (in form order), across forms and tables, and of the
    情况说明 and 上年数; with what computed them (see :func:`engine_stamp`)."""

    format: int
    modules: list[str]
    engine: str
    forms: list[tuple[int, list[Finding]]]
    cross: list[Finding]
    prose: list[Finding]
    prose_reads: list[Cell]  # the table cells the 情况说明's check read: an edit of another leaves them as they are


_CORE = Path(__file__).parent


def _loaded_core_modules() -> list[str]:
    """The core's modules this process has loaded (paths under desktop/core): when the findings are kept, the
    engine that computed them is among these."""
    found = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) if name.startswith("desktop.core") else None
        if file:
            with contextlib.suppress(ValueError):
                found.append(Path(file).relative_to(_CORE).as_posix())
    return sorted(found)


@cache
def _files_stamp(modules: tuple[str, ...]) -> str:
    folders = [resources_dir() / "forms", resources_dir() / "narrative", templates_dir(), codes_dir(), catalogue_dir()]
    digest = sha256(files_fingerprint([], folders).encode())
    core = os.fspath(_CORE)
    for module in modules:  # plain strings: ~90 stats at a start, pathlib would double their cost
        try:
            st = os.stat(os.path.join(core, module))
        except OSError:
            digest.update(f"{module}|-\n".encode())
            continue
        digest.update(f"{module}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def engine_stamp(modules: list[str]) -> str:
    """What decides the findings computed from a file's content: ``modules`` (their names, sizes and times;
    a changed, moved or removed one gives another stamp), the form, 情况说明 and template definitions, the code
    lists, the catalogues, the program's and libraries' versions, and the language messages are written in."""
    return f"{_files_stamp(tuple(modules))}|{active_language()}"


def encode_kept(forms: list[tuple[int, list[Finding]]], cross: list[Finding], prose: list[Finding],
                prose_reads: Iterable[Cell]) -> bytes:
    """The bytes to keep with the file's state (call with the engines that found them loaded)."""
    modules = _loaded_core_modules()
    return msgspec.msgpack.encode(KeptFindings(FORMAT, modules, engine_stamp(modules), forms, cross, prose,
                                               sorted(prose_reads)))


@lru_cache(maxsize=4)
def _decoded(data: bytes) -> KeptFindings | None:
    try:
        return msgspec.msgpack.decode(data, type=KeptFindings)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def decode_kept(data: bytes | None) -> KeptFindings | None:
    """The kept findings, or None when there are none, they are unreadable, or another program version,
    definition or language made them."""
    if not data:
        return None
    kept = _decoded(data)
    if kept is None or kept.format != FORMAT or kept.engine != engine_stamp(kept.modules):
        return None
    return kept
