"""The text parts of a disclosure and its 上年数, as stored in the document (schema version 5).

Sections are rows of ``narrative_section`` (part, printed order, heading, body); prior-year figures are
rows of ``prior_figure`` (key from the set's narrative data, hundredths of this document's unit, source).
Every write is one committed transaction through :meth:`Document.transaction` and is logged to
``change_log`` by :func:`_log`, the one place this module writes the log (tbl ``narrative:<part>`` or
``prior``), so moving to a shared change-log writer is a one-line change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..document import Document
from ..document.store import now_iso
from ..document.validate import MAX_NARRATIVE_BODY
from ..money import to_plain

PARTS = {"gaikuang": "第一部分 部门概况", "shuoming": "第三部分 情况说明", "mingci": "第四部分 名词解释"}
MAX_SECTIONS = 200  # per part
MAX_BODY_CHARS = MAX_NARRATIVE_BODY  # per section: far above any real 情况说明 (seeds: < 6,000)
MAX_HEADING_CHARS = 200


class NarrativeStoreError(ValueError):
    """A text that was refused (too long, unknown part); ``str()`` is the Chinese reason. Nothing was changed."""


@dataclass(frozen=True)
class StoredSection:
    id: int
    part: str
    position: int
    heading: str
    body: str


@dataclass(frozen=True)
class PriorFigure:
    key: str
    value: int
    source: str


def _log(conn: sqlite3.Connection, who: str, action: str, tbl: str, row: str | None = None,
         old: str | None = None, new: str | None = None) -> None:
    """The change_log entry of a narrative write (the single writer in this module)."""
    conn.execute(
        "INSERT INTO change_log(at, who, action, tbl, row, old, new) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (now_iso(), who, action, tbl, row, old, new),
    )


def _check_text(heading: str, body: str) -> None:
    if len(heading) > MAX_HEADING_CHARS:
        raise NarrativeStoreError(f"标题“{heading[:20]}…”超过 {MAX_HEADING_CHARS} 个字，未保存。请缩短标题。")
    if len(body) > MAX_BODY_CHARS:
        raise NarrativeStoreError(
            f"“{heading or '正文'}”一节超过 {MAX_BODY_CHARS} 个字（{len(body)} 个），未保存。请分节或删去多余内容。")
    if "\x00" in heading or "\x00" in body:
        raise NarrativeStoreError("文字中含有不可见的控制字符（NUL），未保存。请重新输入或粘贴纯文本。")


def _check_part(part: str) -> None:
    if part not in PARTS:
        raise NarrativeStoreError(f"没有“{part}”这一部分（可用：{'、'.join(PARTS.values())}）")


def read_sections(doc: Document, part: str = "shuoming") -> list[StoredSection]:
    """The sections of one part in printed order."""
    rows = doc.connection.execute(
        "SELECT id, part, position, heading, body FROM narrative_section WHERE part = ? ORDER BY position, id", (part,))
    return [StoredSection(*r) for r in rows]


def has_text(doc: Document) -> bool:
    """Whether the document holds any narrative text (cheap)."""
    return doc.connection.execute("SELECT 1 FROM narrative_section LIMIT 1").fetchone() is not None


def replace_part(doc: Document, part: str, sections: Sequence[tuple[str, str]], *, who: str,
                 action: str = "narrative_import") -> list[StoredSection]:
    """Replace every section of ``part`` by ``sections`` ((heading, body) pairs), in one transaction."""
    _check_part(part)
    if len(sections) > MAX_SECTIONS:
        raise NarrativeStoreError(f"{PARTS[part]}有 {len(sections)} 节，超过 {MAX_SECTIONS} 节，未保存。请检查文本是否选错。")
    for heading, body in sections:
        _check_text(heading, body)
    old = "\n".join(f"{s.heading}\n{s.body}" for s in read_sections(doc, part))
    new = "\n".join(f"{h}\n{b}" for h, b in sections)
    with doc.transaction() as conn:
        conn.execute("DELETE FROM narrative_section WHERE part = ?", (part,))
        conn.executemany(
            "INSERT INTO narrative_section(part, position, heading, body) VALUES (?, ?, ?, ?)",
            [(part, n, h, b) for n, (h, b) in enumerate(sections, 1)],
        )
        _log(conn, who, action, f"narrative:{part}", None, old or None, new or None)
    return read_sections(doc, part)


def set_body(doc: Document, section_id: int, body: str, *, who: str, action: str = "narrative_edit") -> bool:
    """Store a section's new text; returns False when it was unchanged (nothing written)."""
    row = doc.connection.execute(
        "SELECT part, position, heading, body FROM narrative_section WHERE id = ?", (section_id,)).fetchone()
    if row is None:
        raise NarrativeStoreError("这一节已不在文件中（可能刚被重新导入），未保存。请重新打开这一节。")
    part, position, heading, old = row
    _check_text(heading, body)
    if old == body:
        return False
    with doc.transaction() as conn:
        conn.execute("UPDATE narrative_section SET body = ? WHERE id = ?", (body, section_id))
        _log(conn, who, action, f"narrative:{part}", f"{position}:{heading}", old, body)
    return True


def read_prior(doc: Document) -> dict[str, PriorFigure]:
    rows = doc.connection.execute("SELECT key, num, source FROM prior_figure ORDER BY key")
    return {k: PriorFigure(k, n, s) for k, n, s in rows if type(n) is int}


def write_prior(doc: Document, values: Mapping[str, int | None], sources: Mapping[str, str], *, who: str,
                action: str = "prior_set") -> None:
    """Set (None removes) 上年数 with where each came from, in one transaction."""
    before = read_prior(doc)
    with doc.transaction() as conn:
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
            _log(conn, who, action, "prior", key, to_plain(old.value) if old else None, to_plain(value))
