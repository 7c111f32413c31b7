"""Sealed sign-off: the figures of an 已审核 table as signed, their digest, and what changed since.

The figures of a table are its non-empty values and its floating rows (a 绩效 form: its fields and
indicator cells), written as canonical JSON; the seal keeps that text and its SHA-256. The seal holds
while the current figures give the same digest; otherwise it is broken, and the cells that differ are
listed with the change-log rows written since the seal (who changed what, when).
"""

from __future__ import annotations

import json

from msgspec import Struct, field

from ..digest import sha256
from ..document import log_rows, seal_rows
from ..document.forms_rows import FORM_PREFIX
from ..document.seal_rows import SealRow as Seal
from ..document.store import Document
from ..document.tx import Tx

__all__ = ["FORM_PREFIX", "Seal", "SealChange", "SealCheck", "canonical", "check", "digest", "figures", "read",
           "write"]


def figures(source: Document | Tx, tbl: str) -> dict[str, str]:
    """The table's figures as {"row|col": value, "row:<code>": name}, values as stored (exact text)."""
    return seal_rows.figures(source, tbl)


def canonical(figs: dict[str, str]) -> str:
    return json.dumps(figs, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(text: str) -> str:
    return sha256(text.encode("utf-8")).hexdigest()


class SealChange(Struct, frozen=True):
    """One figure that differs from the sealed one (``col`` None: a floating row added or removed),
    with the change-log rows of that cell written since the seal: (at, who, action, old, new)."""

    tbl: str
    row: str
    col: str | None
    sealed: str | None
    now: str | None
    entries: tuple[tuple[str, str, str, str | None, str | None], ...] = ()

    @property
    def who(self) -> list[str]:
        return list(dict.fromkeys(e[1] for e in self.entries))


class SealCheck(Struct):
    seal: Seal
    intact: bool
    changes: list[SealChange] = field(default_factory=list)


def read(source: Document | Tx, tbl: str) -> Seal | None:
    return seal_rows.read_seal(source, tbl)


def write(tx: Tx, tbl: str, signer: str, at: str) -> Seal:
    """Seal the table's current figures (inside the caller's transaction)."""
    text = canonical(figures(tx, tbl))
    seal = Seal(tbl, digest(text), text, signer, at, log_rows.last_id(tx))
    seal_rows.put_seal(tx, seal)
    return seal


def check(source: Document | Tx, seal: Seal) -> SealCheck:
    """Whether the figures still match the seal, and if not, which differ and who changed them since."""
    now = figures(source, seal.tbl)
    if digest(canonical(now)) == seal.digest:
        return SealCheck(seal, True)
    sealed: dict[str, str] = json.loads(seal.figures)
    log: dict[tuple[str, str | None], list[tuple]] = {}
    for row, col, at, who, action, old, new in log_rows.figure_edits_since(source, seal.tbl, seal.log_id):
        log.setdefault((row, col), []).append((at, who, action, old, new))
    changes = []
    for key in sorted(sealed.keys() | now.keys()):
        if sealed.get(key) == now.get(key):
            continue
        if key.startswith("row:"):
            row, col = key[4:], None
        else:
            row, col = key.split("|", 1)
        entries = log.get((row, col or None), [])
        changes.append(SealChange(seal.tbl, row, col or None, sealed.get(key), now.get(key), tuple(entries)))
    return SealCheck(seal, False, changes)
