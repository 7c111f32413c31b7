"""Check 情况说明 prose against the tables and against itself; findings use the tables' Finding type.

Kinds (rule ids ``narrative.<kind>``): ``tie`` an amount vs the table cell its label names; ``list`` the
parts of a listed breakdown vs their stated total; ``share``/``rate``/``change_rate`` a printed percentage
vs its ratio at the printed precision; ``direction`` 增加/减少 vs 增长/下降 in one claim; ``absent`` "无…"
while the table has figures; ``grade`` 自评等级 counts vs the scores quoted beside them. A figure that can
not be tied to anything raises nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from msgspec import Struct

from ..i18n import tr
from ..money import format_amount
from ..rules.findings import Finding
from .figures import Figure, find_figures, normalise_label, sentence_bounds, snippet
from .grades import check_grades
from .lists import Listing, find_lists
from .spec import NarrativeSpec, SectionSpec, load_spec
from .text import Section, part_three, split_sections
from .ties import Tables, TableValue, find_row, find_tie

if TYPE_CHECKING:
    from ..rules.instances import Cell
    from ..session import Session

TABLE = "narrative"
Spot = tuple[str, int, int]


class Part(Struct):
    """One section or sub-section of the prose with its figures and the section data that applies."""

    name: str
    text: str
    specs: list[SectionSpec]
    figures: list[Figure]
    lists: list[Listing]


def check_narrative(session: Session, text: str, prior: Mapping[str, int] | None = None) -> list[Finding]:
    """Every finding for a 情况说明 text (a whole disclosure's text or just its 第三部分); ``prior``: the
    document's 上年数 (hundredths by key of the set's ``prior`` items), which lets 比上年增加/减少 be checked."""
    return check_sections(session, split_sections(part_three(text)), prior)


def check_sections(session: Session, sections: list[Section], prior: Mapping[str, int] | None = None,
                   spots: dict[str, Spot] | None = None, reads: set[Cell] | None = None) -> list[Finding]:
    """Every finding for sections already split (the stored 情况说明 of a document); ``spots`` collects
    where each finding's figure is: (the part's normalised text, start, end), for tinting it; ``reads``
    collects every table cell the checks read."""
    spec = load_spec(session.tset.id)
    checker = _Checker(session, spec, prior or {}, reads)
    checker.spots = spots if spots is not None else {}
    for section in sections:
        for name, body in section.parts():
            figures = find_figures(body)
            part = Part(name, body, spec.sections_for(name), figures, find_lists(body, figures))
            checker.run(part)
    return sorted(checker.findings.values(), key=Finding.sort_key)


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


class _Checker:
    def __init__(self, session: Session, spec: NarrativeSpec, prior: Mapping[str, int],
                 reads: set[Cell] | None = None) -> None:
        self.session, self.spec, self.prior = session, spec, prior
        self.tables = Tables(session, reads)
        self.year = session.tset.info.year
        self.unit_name = session.doc.meta.get("unit_name", "")
        self.findings: dict[str, Finding] = {}
        self.spots: dict[str, Spot] = {}

    def name(self, fig: Figure) -> str:
        """How a figure's label is named in a message: without the unit's name; 预算 sets keep 预算."""
        text = fig.full if self.spec.budget_is_value and fig.full else fig.subject
        text = normalise_label(text)
        if self.unit_name:
            text = text.replace(self.unit_name, "")
        return re.sub(r"^(?:本部门|本单位)", "", text) or tr("总数")

    def add(self, kind: str, part: Part, fig: Figure | None, severity: str, message: str,
            table: TableValue | None = None, left: int | None = None, right: int | None = None) -> None:
        where = snippet(part.text, fig) if fig is not None else part.text[:40]
        tied = "|".join(table.cells[0]) if table and table.cells else ""
        # the key survives typing elsewhere in the text (an 出错说明 stays with its figure): no offsets
        said = fig.text(part.text) if fig is not None else ""
        nth = part.text.count(said, 0, fig.start) if fig is not None and said else 0
        key = f"narrative.{kind}[{part.name}|{said}#{nth}|{tied}]"
        cells = ((TABLE, part.name, where), *(table.cells if table else ()))
        if severity == "rounding":
            message += tr("差额在万元尾数误差范围内（尾数误差），核实后可不修改。")
        self.findings[key] = Finding(key, f"narrative.{kind}", severity, message, TABLE, cells, left, right)
        if fig is not None:
            self.spots[key] = (part.text, fig.start, fig.end)

    def run(self, part: Part) -> None:
        if not part.specs:
            return
        self.ties(part)
        self.lists(part)
        self.percentages(part)
        self.absences(part)
        if self.prior:
            from .prior_check import check_prior_changes

            for fig, severity, message, table, left, right in check_prior_changes(self, part):
                self.add("prior", part, fig, severity, tr("情况说明 {name}：{message}", name=part.name, message=message), table, left, right)
        for fig, message in check_grades(part.text, self.spec.grades):
            self.add("grade", part, fig, "error", tr("情况说明 {name}：{message}", name=part.name, message=message))

    # -- amounts vs tables ----------------------------------------------------------------------
    def tables_for(self, part: Part, subject: str, *, budget: bool, full: str = "") -> list[TableValue]:
        """The table figures a subject ties to (several cells may each have to agree)."""
        use_budget = budget and not self.spec.budget_is_value
        tie = find_tie(part.specs, *([full] if full and self.spec.budget_is_value else []), subject)
        if tie is not None:
            found = [self.tables.evaluate(e) for e in (tie.budget if use_budget else tie.value)]
            return [t for t in found if t is not None]
        row = find_row(self.tables, part.specs, subject)
        if row is None:
            return []
        row_tie, key = row
        column = row_tie.budget if use_budget else row_tie.value
        value = self.tables.evaluate(f"{row_tie.table}.{key}.{column}") if column else None
        return [value] if value is not None else []

    def subjects(self, part: Part) -> list[tuple[Figure, str]]:
        """Money figures with the subject they speak of (a bare 支出决算 inherits its sentence's subject)."""
        out = []
        last_subject, sentence_end = "", -1
        for fig in part.figures:
            if not fig.is_money or fig.change:
                continue
            if fig.start > sentence_end:
                last_subject = ""
                sentence_end = sentence_bounds(part.text, fig.start)[1]
            subject = fig.subject or last_subject
            if fig.subject:
                last_subject = fig.subject
            else:
                fig.full = ""  # a bare 支出决算: named by the subject it inherits
            fig.subject = subject
            out.append((fig, subject))
        return out

    def ties(self, part: Part) -> None:
        for fig, subject in self.subjects(part):
            if not subject or any(y != self.year for y in fig.years):
                continue
            full = fig.full if fig.subject == subject else ""
            for table in self.tables_for(part, subject, budget=fig.measure == "budget", full=full):
                verdict = self.tables.compare(fig, table)
                if verdict is None:
                    continue
                right = tr("空") if table.filled == 0 else format_amount(table.value)
                left = self.tables.to_doc(fig)
                unit = self.session.doc.money_unit
                self.add(
                    "tie", part, fig, verdict,
                    tr("情况说明 {part}：“{snippet}”中{figure}为 "
                    "{text}，{describe} 为 {right}（{unit}），相差 "
                    "{gap}。请按表中数字改正说明，或先核对表格。", part=part.name, snippet=snippet(part.text, fig), figure=self.name(fig), text=fig.text(part.text), describe=self.tables.describe(table), right=right, unit=unit, gap=format_amount(left - table.value)),
                    table, left, table.value,
                )

    # -- listed breakdowns ----------------------------------------------------------------------
    def lists(self, part: Part) -> None:
        for listing in part.lists:
            head = listing.head
            parts_sum = sum((f.yuan() for f in listing.items), Decimal(0))
            gap = head.yuan() - parts_sum
            if gap == 0 or (not listing.exhaustive and gap > 0):
                continue
            tolerance = head.half_step_yuan() + sum((f.half_step_yuan() for f in listing.items), Decimal(0))
            severity = "rounding" if abs(gap) <= tolerance else "error"
            names = "、".join(normalise_label(f.subject) or f.text(part.text) for f in listing.items[:6])
            more = tr("等 {items_count} 项", items_count=len(listing.items)) if len(listing.items) > 6 else ""
            how = tr("之和") if listing.exhaustive else tr("之和大于总数")
            parts_text = self._money_text(parts_sum, head)
            self.add(
                "list", part, head, severity,
                tr("情况说明 {part}：“{snippet}”中{figure}为 "
                "{text}，其下所列 {names}{more}{how}为 {parts_text}，相差 "
                "{gap}。请核对所列各项与总数。", part=part.name, snippet=snippet(part.text, head), figure=self.name(head), text=head.text(part.text), names=names, more=more, how=how, parts_text=parts_text, gap=self._money_text(gap, head)),
                None, self._doc(head.yuan()), self._doc(parts_sum),
            )

    def _doc(self, yuan: Decimal) -> int:
        scale = Decimal(1) / 100 if self.tables.wan else Decimal(100)
        return int((yuan * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @staticmethod
    def _money_text(yuan: Decimal, like: Figure) -> str:
        if like.unit == "万元":
            return tr("{quantize}万元", quantize=(yuan / 10000).quantize(Decimal(1).scaleb(-max(like.decimals, 2))))
        return tr("{quantize}元", quantize=yuan.quantize(Decimal('0.01')))

    # -- percentages ----------------------------------------------------------------------------
    def percentages(self, part: Part) -> None:
        from .ratios import check_percentages

        for kind, fig, severity, message, table in check_percentages(self, part):
            self.add(kind, part, fig, severity, tr("情况说明 {name}：{message}", name=part.name, message=message), table)

    # -- "无…" while the table has figures ------------------------------------------------------
    def absences(self, part: Part) -> None:
        text = part.text.replace('"', "")
        for spec in part.specs:
            for absence in spec.absent:
                for phrase in absence.phrases:
                    at = text.find(phrase.replace('"', ""))
                    if at < 0:
                        continue
                    table = self.tables.evaluate(absence.value)
                    if table is None or table.value == 0:
                        break
                    fake = Figure(at, at + len(phrase), Decimal(0), "", 0, "")
                    self.add(
                        "absent", part, fake, "error",
                        tr("情况说明 {name}：说明写“{phrase}”，但 {describe} 为 "
                        "{format_amount}（{money_unit}）。请按表格改写这一段。", name=part.name, phrase=phrase, describe=self.tables.describe(table), format_amount=format_amount(table.value), money_unit=self.session.doc.money_unit),
                        table, 0, table.value,
                    )
                    break


def listing_of(part: Part, fig: Figure) -> Listing | None:
    """The innermost list that has ``fig`` as an item."""
    found = None
    for listing in part.lists:
        if any(item is fig for item in listing.items):
            found = listing
    return found


def same_subject(a: str, b: str) -> bool:
    a, b = normalise_label(a), normalise_label(b)
    return bool(a) and (a == b or re.sub(tr("支出$"), "", a) == re.sub(tr("支出$"), "", b))
