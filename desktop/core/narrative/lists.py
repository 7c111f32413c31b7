"""Listed breakdowns: "收入合计X元，其中：A a元；B b元…" and "主要包括…", nested one level.

A list's head is the amount just before the marker. When a 。 separates them the previous sentence must
hold only that one amount (otherwise it is unclear which total the list breaks down, and nothing is
checked). An item followed by its own marker opens an inner list that ends at ；. PDF text that prints
"人员经费X元，主要包括人员经费X元，主要包括…" (a doubled label) is read as one head.
"""

from __future__ import annotations

import re

from msgspec import Struct, field

from .figures import Figure

_MARKER = re.compile(r"其中[：，]?|主要包括[：]?|主要用于以下方面[：]?|包括[：]?")


class Listing(Struct):
    """A stated total and the amounts listed under it; ``exhaustive``: 其中 with several items."""

    head: Figure
    marker: str
    items: list[Figure] = field(default_factory=list)

    @property
    def exhaustive(self) -> bool:
        return self.marker.startswith("其中") and len(self.items) > 1


def _money(figs: list[Figure]) -> list[Figure]:
    return [f for f in figs if f.is_money and not f.change]


def find_lists(text: str, figures: list[Figure]) -> list[Listing]:
    """Every listed breakdown in a part's text (items are marked ``item``)."""
    tokens: list[tuple[int, str, object]] = [(f.start, "fig", f) for f in figures]
    tokens += [(m.start(), "marker", m.group(0)) for m in _MARKER.finditer(text)]
    tokens += [(m.start(), "stop", "。") for m in re.finditer("。", text)]
    tokens += [(m.start(), "sep", "；") for m in re.finditer("；", text)]
    tokens.sort(key=lambda t: (t[0], t[1] != "stop"))
    out: list[Listing] = []
    i = 0
    while i < len(tokens):
        pos, kind, obj = tokens[i]
        if kind == "marker":
            head = _head_before(text, figures, pos)
            if head is not None:
                i = _collect(tokens, i + 1, Listing(head, str(obj)), out, inner=False, text=text)
                continue
        i += 1
    return [lst for lst in out if lst.items]


def _head_before(text: str, figures: list[Figure], pos: int) -> Figure | None:
    before = [f for f in figures if f.end <= pos]
    if not before:
        return None
    head = before[-1]
    if not head.is_money or head.change:
        return None
    between = text[head.end:pos]
    if re.sub(r"[，。\s]", "", between):
        return None
    if "。" in between:
        start = text.rfind("。", 0, head.start) + 1
        if len(_money([f for f in figures if start <= f.start < head.end])) != 1:
            return None
    return head


def _collect(tokens: list[tuple[int, str, object]], i: int, listing: Listing, out: list[Listing], *,
             inner: bool, text: str) -> int:
    out.append(listing)
    while i < len(tokens):
        _, kind, obj = tokens[i]
        if kind == "stop" and listing.items:
            return i if inner else i + 1
        if kind == "sep" and inner:
            return i + 1
        if kind == "marker" and listing.items:
            return i  # a new 其中 that opens no inner list: this list has ended
        if kind == "fig":
            fig = obj
            assert isinstance(fig, Figure)
            if fig.change or (fig.is_percent and fig.change):
                return i
            if fig.is_money:
                following = tokens[i + 1] if i + 1 < len(tokens) else None
                opens = (following is not None and following[1] == "marker"
                         and not re.sub(r"[，\s]", "", text[fig.end:following[0]]))
                if opens and fig.value == listing.head.value and fig.subject == listing.head.subject:
                    i += 2  # a doubled head: "人员经费X元，主要包括人员经费X元，主要包括…"
                    continue
                fig.item = True
                listing.items.append(fig)
                if opens and not inner:
                    i = _collect(tokens, i + 2, Listing(fig, str(following[2])), out, inner=True, text=text)
                    continue
        i += 1
    return i
