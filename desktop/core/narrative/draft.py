"""Draft the 情况说明 from a document's tables: each section's standard sentences, as data, filled in.

A sentence is a template string with placeholders (replaced by a small regex renderer, never ``eval``):

- ``{unit}``, ``{year}``: 单位名称 and 年度 of the document;
- ``{amount:EXPR}``: the value of a rule expression, formatted like the documents (25,730,935.53元, 761.35万元);
- ``{pct:EXPR/EXPR}``: a ratio in percent with two decimals (占比, 完成年初预算的 x%); a zero base gives 0.00%;
- ``{prior_year}``: the year before; ``{change:KEY}``: the change from the 上年数 ``KEY`` (the set's ``prior``
  items) to this year's figure, "增加x元，增长y%" / "减少x元，下降y%" / "持平", or "增加（减少）……，增长（下降）……%"
  for the clerk when the document has no such 上年数.

A draft entry is either a template string, or a mapping: ``{when_zero: EXPR, text: …}`` (only when the
expression is zero or empty, e.g. 本年度无此项支出。), ``{unless_zero: EXPR, text: …}``, or a breakdown
``{rows: TABLE[SELECTOR].COL, item: "{name}{amount}，占比{share}", base: EXPR, sep: "；", end: "。"}``
listing every non-empty row. Figures the tables do not hold (the previous year) are left as "……" for
the clerk, who edits the draft freely.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from ..money import format_amount
from ..rules.expr import parse
from .figures import normalise_label
from .spec import load_spec
from .ties import Tables

if TYPE_CHECKING:
    from ..session import Session

_PLACEHOLDER = re.compile(r"\{(unit|year|prior_year|change:[a-z0-9_]+|amount:[^{}]+|pct:[^{}/]+/[^{}]+)\}")
UNKNOWN_CHANGE = "增加（减少）……，增长（下降）……%"


def draft_narrative(session: Session) -> str:
    """The whole draft: a heading per section, then its sentences (one paragraph per entry)."""
    renderer = _Renderer(session)
    out: list[str] = []
    for section in load_spec(session.tset.id).sections:
        paragraphs = [p for p in (renderer.entry(e) for e in section.draft) if p]
        if not paragraphs:
            continue
        out.extend(section.heading.splitlines() if section.heading else [section.title])
        out.extend(paragraphs)
    return "\n".join(out) + "\n"


class _Renderer:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.tables = Tables(session)
        self.unit = session.doc.money_unit
        self.spec = load_spec(session.tset.id)
        self.prior = session.narrative.prior()

    def value(self, expr: str) -> int:
        parse(expr)
        found = self.tables.evaluate(expr)
        return found.value if found is not None else 0

    def money(self, hundredths: int) -> str:
        return f"{format_amount(hundredths)}{self.unit}"

    @staticmethod
    def pct(part: int, base: int) -> str:
        if base == 0:
            return "0.00%"
        ratio = (Decimal(part) / Decimal(base) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{ratio}%"

    def change(self, key: str) -> str:
        item = self.spec.prior_item(key)
        if item is None or key not in self.prior:
            return UNKNOWN_CHANGE
        before, now = self.prior[key], self.value(item.value)
        gap = now - before
        if gap == 0:
            return "持平"
        word, rate_word = ("增加", "增长") if gap > 0 else ("减少", "下降")
        rate = f"，{rate_word}{self.pct(abs(gap), before)}" if before > 0 else ""
        return f"{word}{self.money(abs(gap))}{rate}"

    def text(self, template: str, extra: dict[str, str] | None = None) -> str:
        meta = self.session.doc.meta

        def replace(m: re.Match[str]) -> str:
            token = m.group(1)
            if token == "unit":
                return meta.get("unit_name", "本单位")
            if token == "year":
                return meta.get("year", str(self.session.tset.info.year))
            if token == "prior_year":
                return str(int(meta.get("year", self.session.tset.info.year)) - 1)
            if token.startswith("change:"):
                return self.change(token[7:])
            if token.startswith("amount:"):
                return self.money(self.value(token[7:]))
            top, bottom = token[4:].split("/", 1)
            return self.pct(self.value(top), self.value(bottom))

        text = _PLACEHOLDER.sub(replace, template)
        for key, value in (extra or {}).items():
            text = text.replace("{" + key + "}", value)
        return text

    def entry(self, entry: str | dict[str, Any]) -> str:
        if isinstance(entry, str):
            return self.text(entry)
        if "when_zero" in entry:
            return self.text(entry["text"]) if self.value(entry["when_zero"]) == 0 else ""
        if "unless_zero" in entry:
            return self.text(entry["text"]) if self.value(entry["unless_zero"]) != 0 else ""
        if "rows" in entry:
            return self.breakdown(entry)
        return ""

    def breakdown(self, entry: dict[str, Any]) -> str:
        (term,) = parse(f"sum({entry['rows']})")
        base = self.value(entry["base"]) if entry.get("base") else 0
        items = []
        for key in self.session.rows.select(term.table, term.selector or "*"):
            v = self.session.engine.values.get((term.table, key, term.col))
            if not v:
                continue
            info = self.session.rows.get(term.table, key)
            name = normalise_label(info.label if info and info.label else key)
            items.append(self.text(entry["item"], {
                "name": name, "amount": self.money(v), "share": self.pct(v, base),
            }))
        if not items:
            return self.text(entry.get("empty", ""))
        return self.text(entry.get("head", "")) + entry.get("sep", "；").join(items) + entry.get("end", "。")
