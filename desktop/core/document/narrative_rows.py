"""The rows of the disclosure's text parts and 上年数 (tables narrative_section and prior_figure of migration
0005). Every write is one committed transaction with its change-log row (tbl ``narrative:<part>`` or
``prior``), written through :mod:`.changelog` like every other row, so the hash chain holds. What may be
stored (lengths, parts) is the narrative room's decision (desktop.core.narrative.store)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from msgspec import Struct

from ..i18n import tr
from ..money import to_plain
from . import numbers
from .changelog import Entry
from .errors import DocumentError
from .store import Document, now_iso
from .tx import Tx, _connection


class StoredSection(Struct, frozen=True):
    id: int
    part: str
    position: int
    heading: str
    body: str


class PriorFigure(Struct, frozen=True):
    key: str
    value: int
    source: str


def read_sections(source: Document | Tx, part: str) -> list[StoredSection]:
    """The sections of one part in printed order."""
    rows = _connection(source).execute(
        "SELECT id, part, position, heading, body FROM narrative_section WHERE part = ? ORDER BY position, id", (part,))
    return [StoredSection(*r) for r in rows]


def section(source: Document | Tx, section_id: int) -> StoredSection | None:
    rec = _connection(source).execute("SELECT id, part, position, heading, body FROM narrative_section WHERE id = ?",
                                      (section_id,)).fetchone()
    return StoredSection(*rec) if rec else None


def has_text(source: Document | Tx) -> bool:
    """Whether the document holds any narrative text (cheap)."""
    return _connection(source).execute("SELECT 1 FROM narrative_section LIMIT 1").fetchone() is not None


def replace_part(doc: Document, part: str, sections: Sequence[tuple[str, str]], *, who: str, action: str) -> None:
    """Replace every section of ``part`` by ``sections`` ((heading, body) pairs), in one transaction."""
    old = "\n".join(f"{s.heading}\n{s.body}" for s in read_sections(doc, part))
    new = "\n".join(f"{h}\n{b}" for h, b in sections)
    with doc.transaction() as tx:
        conn = _connection(tx)
        conn.execute("DELETE FROM narrative_section WHERE part = ?", (part,))
        conn.executemany("INSERT INTO narrative_section(part, position, heading, body) VALUES (?, ?, ?, ?)",
                         [(part, n, h, b) for n, (h, b) in enumerate(sections, 1)])
        tx.append([Entry(now_iso(), who, action, f"narrative:{part}", None, None, old or None, new or None)])


def set_body(doc: Document, stored: StoredSection, body: str, *, who: str, action: str) -> None:
    """Store a section's new text (``stored``: the section as read before)."""
    with doc.transaction() as tx:
        _connection(tx).execute("UPDATE narrative_section SET body = ? WHERE id = ?", (body, stored.id))
        tx.append([Entry(now_iso(), who, action, f"narrative:{stored.part}", f"{stored.position}:{stored.heading}",
                         None, stored.body, body)])


def read_prior(source: Document | Tx) -> dict[str, PriorFigure]:
    """上年数 by key (hundredths of the document's unit); a value that is not a whole number is left out."""
    rows = _connection(source).execute("SELECT key, num, source FROM prior_figure ORDER BY key")
    return {k: PriorFigure(k, n, s) for k, n, s in rows if type(n) is int}


def write_prior(doc: Document, values: Mapping[str, int | None], sources: Mapping[str, str], *, who: str,
                action: str) -> None:
    """Set (None removes) 上年数 with where each came from, in one transaction; unchanged ones are skipped.
    A value that is not a whole number of hundredths within range is refused before anything is written."""
    for key, value in values.items():
        if value is not None and not numbers.is_hundredths(value):
            raise DocumentError("bad_value", tr("上年数“{key}”的金额 {value!r} 超出合理范围或不是整数，本次修改未保存。", key=key, value=value))
    before = read_prior(doc)
    with doc.transaction() as tx:
        conn = _connection(tx)
        entries = []
        for key, value in values.items():
            old = before.get(key)
            if value is None:
                if old is None:
                    continue
                conn.execute("DELETE FROM prior_figure WHERE key = ?", (key,))
            else:
                if old is not None and old.value == value and old.source == sources.get(key, ""):
                    continue
                conn.execute("INSERT OR REPLACE INTO prior_figure(key, num, source) VALUES (?, ?, ?)",
                             (key, value, sources.get(key, "")))
            entries.append(Entry(now_iso(), who, action, "prior", key, None, to_plain(old.value) if old else None,
                                 to_plain(value)))
        tx.append(entries)
