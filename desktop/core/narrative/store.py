"""The text parts of a disclosure and its 上年数, as the narrative room keeps them (schema version 5).

Sections are rows of ``narrative_section`` (part, printed order, heading, body); prior-year figures are
rows of ``prior_figure`` (key from the set's narrative data, hundredths of this document's unit, source).
This module decides what may be stored (parts, lengths, no NUL) and refuses the rest with a Chinese reason,
changing nothing; the rows and their change-log entries are written by
:mod:`desktop.core.document.narrative_rows` (tbl ``narrative:<part>`` or ``prior``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..document import Document, narrative_rows
from ..document.narrative_rows import PriorFigure, StoredSection, has_text, read_prior
from ..document.validate import MAX_NARRATIVE_BODY

__all__ = ["MAX_BODY_CHARS", "PARTS", "NarrativeStoreError", "PriorFigure", "StoredSection", "has_text",
           "read_prior", "read_sections", "replace_part", "set_body", "write_prior"]

PARTS = {"gaikuang": "第一部分 部门概况", "shuoming": "第三部分 情况说明", "mingci": "第四部分 名词解释"}
MAX_SECTIONS = 200  # per part
MAX_BODY_CHARS = MAX_NARRATIVE_BODY  # per section: far above any real 情况说明 (seeds: < 6,000)
MAX_HEADING_CHARS = 200


class NarrativeStoreError(ValueError):
    """A text that was refused (too long, unknown part); ``str()`` is the Chinese reason. Nothing was changed."""


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
    return narrative_rows.read_sections(doc, part)


def replace_part(doc: Document, part: str, sections: Sequence[tuple[str, str]], *, who: str,
                 action: str = "narrative_import") -> list[StoredSection]:
    """Replace every section of ``part`` by ``sections`` ((heading, body) pairs), in one transaction."""
    _check_part(part)
    if len(sections) > MAX_SECTIONS:
        raise NarrativeStoreError(f"{PARTS[part]}有 {len(sections)} 节，超过 {MAX_SECTIONS} 节，未保存。请检查文本是否选错。")
    for heading, body in sections:
        _check_text(heading, body)
    narrative_rows.replace_part(doc, part, sections, who=who, action=action)
    return read_sections(doc, part)


def set_body(doc: Document, section_id: int, body: str, *, who: str, action: str = "narrative_edit") -> bool:
    """Store a section's new text; returns False when it was unchanged (nothing written)."""
    stored = narrative_rows.section(doc, section_id)
    if stored is None:
        raise NarrativeStoreError("这一节已不在文件中（可能刚被重新导入），未保存。请重新打开这一节。")
    _check_text(stored.heading, body)
    if stored.body == body:
        return False
    narrative_rows.set_body(doc, stored, body, who=who, action=action)
    return True


def write_prior(doc: Document, values: Mapping[str, int | None], sources: Mapping[str, str], *, who: str,
                action: str = "prior_set") -> None:
    """Set (None removes) 上年数 with where each came from, in one transaction."""
    narrative_rows.write_prior(doc, values, sources, who=who, action=action)
