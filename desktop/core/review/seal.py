"""Sealed sign-off: the figures of an 已审核 table as signed, their digest, and what changed since.

The figures of a table are its non-empty values and its floating rows (a 绩效 form: its fields and
indicator cells), written as canonical JSON; the seal keeps that text and its SHA-256. The seal holds
while the current figures give the same digest; otherwise it is broken, and the cells that differ are
listed with the change-log rows written since the seal (who changed what, when).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field

FORM_PREFIX = "jixiao:"


def figures(conn: sqlite3.Connection, tbl: str) -> dict[str, str]:
    """The table's figures as {"row|col": value, "row:<code>": name}, values as stored (exact text)."""
    out: dict[str, str] = {}
    if tbl.startswith(FORM_PREFIX):
        form_id = int(tbl[len(FORM_PREFIX):])
        for key, txt, num in conn.execute("SELECT key, txt, num FROM jx_field WHERE form_id = ?", (form_id,)):
            out[f"field|{key}"] = num if num is not None else f"'{txt}"
        rows = conn.execute("SELECT i.id, i.level2, i.position, c.col, c.txt, c.num FROM jx_indicator i "
                            "LEFT JOIN jx_indicator_cell c ON c.indicator_id = i.id WHERE i.form_id = ?", (form_id,))
        for ind, level2, pos, col, txt, num in rows:
            out[f"row:indicator:{ind}"] = f"{level2}#{pos}"
            if col is not None:
                out[f"indicator:{ind}|{col}"] = num if num is not None else f"'{txt}"
        return out
    for row, col, num, txt in conn.execute("SELECT row, col, num, txt FROM cell WHERE tbl = ?", (tbl,)):
        out[f"{row}|{col}"] = str(num) if num is not None else f"'{txt}"
    for code, name in conn.execute("SELECT code, name FROM float_row WHERE tbl = ?", (tbl,)):
        out[f"row:{code}"] = name
    return out


def canonical(figs: dict[str, str]) -> str:
    return json.dumps(figs, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Seal:
    tbl: str
    digest: str
    figures: str
    signer: str
    at: str
    log_id: int


@dataclass(frozen=True)
class SealChange:
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


@dataclass
class SealCheck:
    seal: Seal
    intact: bool
    changes: list[SealChange] = field(default_factory=list)


def read(conn: sqlite3.Connection, tbl: str) -> Seal | None:
    rec = conn.execute("SELECT tbl, digest, figures, signer, at, log_id FROM review_seal WHERE tbl = ?",
                       (tbl,)).fetchone()
    return Seal(*rec) if rec else None


def write(conn: sqlite3.Connection, tbl: str, signer: str, at: str) -> Seal:
    """Seal the table's current figures (inside the caller's transaction)."""
    text = canonical(figures(conn, tbl))
    last = conn.execute("SELECT COALESCE(MAX(id), 0) FROM change_log").fetchone()[0]
    seal = Seal(tbl, digest(text), text, signer, at, int(last))
    conn.execute("INSERT OR REPLACE INTO review_seal(tbl, digest, figures, signer, at, log_id) VALUES (?, ?, ?, ?, ?, ?)",
                 (seal.tbl, seal.digest, seal.figures, seal.signer, seal.at, seal.log_id))
    return seal


def check(conn: sqlite3.Connection, seal: Seal) -> SealCheck:
    """Whether the figures still match the seal, and if not, which differ and who changed them since."""
    now = figures(conn, seal.tbl)
    if digest(canonical(now)) == seal.digest:
        return SealCheck(seal, True)
    sealed: dict[str, str] = json.loads(seal.figures)
    log: dict[tuple[str, str | None], list[tuple]] = {}
    rows = conn.execute("SELECT row, col, at, who, action, old, new FROM change_log WHERE id > ? AND tbl = ? "
                        "AND action NOT LIKE 'review.%' ORDER BY id", (seal.log_id, seal.tbl))
    for row, col, at, who, action, old, new in rows:
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
