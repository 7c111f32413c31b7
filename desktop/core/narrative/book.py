"""The narrative parts of one open document, bound to its Session: read, import, draft, edit, check.

:class:`NarrativeBook` is what the CLI and the GUI use. Its findings are the tables' :class:`Finding`
objects (rule ids ``narrative.*``, table ``narrative`` for the prose, the table itself for 年初 vs 上年年末),
so they appear in ``Session.findings()``, in ``gongkai check`` and in the 审核结果 panel with the same
severities; an 出错说明 is stored by finding key like any other.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from msgspec import Struct

from ..i18n import N_, tr
from ..rules.findings import Finding
from .names import NARRATIVE_TABLE
from .prior import opening_findings, spec_of
from .spec import NarrativeSpec
from .store import (
    StoredSection,
    has_text,
    read_prior,
    read_sections,
    replace_part,
    set_body,
)
from .text import NarrativeTextError, normalise, part_three, split_raw, split_sections

if TYPE_CHECKING:
    from ..rules.instances import Cell
    from ..session import Session

_PART_HEAD = {"gaikuang": ("一", "二三四五"), "mingci": ("四", "五六七")}


class ImportResult(Struct, frozen=True):
    sections: int
    parts: dict[str, int]  # part → sections stored


def other_part(text: str, part: str) -> str | None:
    """The body of 第一部分 (概况) or 第四部分 (名词解释) in a whole disclosure, past its table of contents."""
    number, following = _PART_HEAD[part]
    for m in reversed(list(re.finditer(rf"第{number}部分[^\n]*", text))):
        rest = text[m.end():]
        end = re.search(rf"第[{following}]部分", rest)
        body = rest[: end.start()] if end else rest
        lines = [normalise(x) for x in body.splitlines() if normalise(x)]
        if sum(len(x) for x in lines if not re.search(r"(?:\.{4,}|…{3,})\d+$", x)) > 20:
            return body
    return None


def section_name_matches(part_name: str, heading: str) -> bool:
    """Whether a finding's part name (一、… （一）…) belongs to a stored section heading."""
    return bool(heading) and (part_name == heading or part_name.startswith(heading + " "))


class NarrativeBook:
    """The 情况说明 and the other text parts of a document, with their checks."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._spec: NarrativeSpec | None | bool = False
        self.spots: dict[str, tuple[str, int, int]] = {}  # finding key -> (part text, figure start, end)
        self.reads: set[Cell] | None = None  # the table cells the last findings() read (None: not run yet)

    @property
    def spec(self) -> NarrativeSpec | None:
        if self._spec is False:
            self._spec = spec_of(self.session)
        return self._spec  # type: ignore[return-value]

    # -- reading --------------------------------------------------------------------------------
    def sections(self, part: str = "shuoming") -> list[StoredSection]:
        return read_sections(self.session.doc, part)

    def text(self, part: str = "shuoming") -> str:
        """The part as one text: each heading on its line, then its body."""
        return "\n".join(f"{s.heading}\n{s.body}" if s.heading else s.body for s in self.sections(part))

    def prior(self) -> dict[str, int]:
        return {k: p.value for k, p in read_prior(self.session.doc).items()}

    def active(self) -> bool:
        """Whether the document has anything for the narrative checks (text or 上年数)."""
        doc = self.session.doc
        return has_text(doc) or bool(read_prior(doc))

    # -- checks ---------------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        """Prose findings of the stored 情况说明, and 年初 vs 上年年末 of the stored 上年数."""
        spec = self.spec
        if spec is None:
            return []
        prior = self.prior()
        out: list[Finding] = []
        reads: set[Cell] = set()
        text = self.text("shuoming")
        if text.strip():
            spots: dict[str, tuple[str, int, int]] = {}
            from .check import check_sections  # the checker loads with the first prose to check

            out += check_sections(self.session, split_sections(text), prior, spots, reads)
            self.spots = spots
        if prior:
            out += opening_findings(self.session, spec, prior, reads)
        self.reads = reads
        return sorted(out, key=Finding.sort_key)

    def findings_of(self, section: StoredSection, findings: list[Finding] | None = None) -> list[Finding]:
        """The prose findings that belong to one stored section."""
        found = self.findings() if findings is None else findings
        return [f for f in found if f.table == NARRATIVE_TABLE and f.cells
                and section_name_matches(f.cells[0][1], section.heading)]

    # -- writing --------------------------------------------------------------------------------
    def import_text(self, text: str, *, who: str) -> ImportResult:
        """Store the 第三部分 of a disclosure text (and its 第一/第四部分 when present), replacing the old."""
        sections = split_raw(part_three(text))
        if not any(h for h, _ in sections):
            raise NarrativeTextError("文中没有找到“一、”“二、”这样的情况说明标题。请确认选择的是公开文本。")
        self._require_figures()
        with self.session.step(N_("导入情况说明")):  # the parts are one undo step
            parts = {"shuoming": len(replace_part(self.session.doc, "shuoming", sections, who=who))}
            for part in ("gaikuang", "mingci"):
                body = other_part(text, part)
                if body:
                    parts[part] = len(replace_part(self.session.doc, part, split_raw(body), who=who))
        self.session.narrative_edited()
        return ImportResult(parts["shuoming"], parts)

    def import_draft(self, *, who: str) -> int:
        """Replace the 情况说明 by a fresh draft from the tables (for a new document)."""
        self._require_figures()
        from .draft import draft_narrative

        count = len(replace_part(self.session.doc, "shuoming", split_raw(draft_narrative(self.session)), who=who,
                                 action="narrative_draft"))
        self.session.narrative_edited()
        return count

    def set_part(self, part: str, text: str, *, who: str) -> int:
        """Replace a typed part (概况, 名词解释) by a text split at its 一、… headings."""
        self._require_figures()
        count = len(replace_part(self.session.doc, part, split_raw(text), who=who, action="narrative_edit"))
        self.session.narrative_edited()
        return count

    def set_body(self, section_id: int, body: str, *, who: str) -> bool:
        self._require_figures()
        changed = set_body(self.session.doc, section_id, body, who=who)
        if changed:
            self.session.narrative_edited()
        return changed

    def _require_figures(self) -> None:
        from ..session import EditError

        if self.session.review_mode:
            from ..document.store import REVIEW_MODE_MESSAGE

            raise EditError(tr(REVIEW_MODE_MESSAGE))

    # -- drafts ---------------------------------------------------------------------------------
    def draft_sections(self) -> list[tuple[str, str]]:
        from .draft import draft_narrative

        return split_raw(draft_narrative(self.session))

    def draft_for(self, heading: str) -> str | None:
        """The fresh draft body of the section with this heading (matched by number and title, then by
        the set's section data), or None when the draft has no such section."""
        drafts = self.draft_sections()
        wanted = _title(heading)
        for h, body in drafts:
            if _title(h) == wanted:
                return body
        spec = self.spec
        if spec is None:
            return None
        ids = {s.id for s in spec.sections_for(heading)}
        for h, body in drafts:
            if ids & {s.id for s in spec.sections_for(h)}:
                return body
        return None


def _title(heading: str) -> str:
    return re.sub(r"^[一二三四五六七八九十]+、", "", normalise(heading))
