"""Numbers and indicator values as printed on 绩效 forms, parsed with Decimal (never float).

Scores print as ``20``, ``9.3分``; rates as ``70.60%``, ``93%`` or a bare ``92.41``; amounts as
``1,782.44``. A stored number keeps the decimals it was printed with (``93`` is not ``93.00``): the checks
compare a printed figure at its own precision. Indicator values (年度指标值/实际完成值) are text; when one
reads as a direction, a figure and a unit (``≥70%``, ``≤15%``, ``34.09元/人``) it can be scored.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from msgspec import Struct

from ..document.numbers import MAX_PLACES, NumberEncodingError, encode
from ..money import is_not_applicable, normalise_text
from ..rules.kinds.numbers import decimals_of, hundredths, norm, plain, round_to, same_at_printed_precision

__all__ = ["FormValueError", "Target", "decimals_of", "hundredths", "norm", "parse_direction", "parse_number",
           "parse_target", "parse_template", "plain", "round_to", "same_at_printed_precision"]

MAX_DECIMALS = MAX_PLACES  # what the document stores exactly (desktop/core/document/numbers.py)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_SUFFIXES = {"score": ("分",), "rate": ("%",), "amount": ("万元", "元"), "weight": ("分",)}
_DIRECTIONS = {
    "≥": "≥", ">=": "≥", ">": "≥", "不低于": "≥", "不少于": "≥", "大于等于": "≥", "大于": "≥",
    "≤": "≤", "<=": "≤", "<": "≤", "不高于": "≤", "不超过": "≤", "小于等于": "≤", "小于": "≤",
    "=": "=", "＝": "=", "等于": "=",
}
_TARGET = re.compile(
    r"^(?P<dir>≥|>=|>|≤|<=|<|=|＝|不低于|不少于|大于等于|大于|不高于|不超过|小于等于|小于|等于)?"
    r"(?P<num>\d+(?:\.\d+)?)(?P<unit>[^\d]{0,6})$"
)


class FormValueError(ValueError):
    """A typed value that cannot be used; ``str()`` is the Chinese reason."""


def parse_number(text: str | None, kind: str = "score") -> Decimal | None:
    """Parse a printed or typed number; None for blank or a not-applicable dash.

    ``kind`` is ``score``, ``weight``, ``rate`` (a percent figure) or ``amount``; each allows its unit suffix.
    """
    if text is None:
        return None
    s = normalise_text(str(text))
    if s == "" or is_not_applicable(s):
        return None
    for suffix in _SUFFIXES.get(kind, ()):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    if _GROUPED.match(s):
        s = s.replace(",", "")
    if not _NUMBER.match(s):
        what = {"rate": "百分数（如 70.60% 或 70.60）", "amount": "金额（如 1,234.56）"}.get(kind, "分数（如 8 或 9.5）")
        raise FormValueError(f"“{text}”不是数字，请输入{what}，或留空")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid decimals
        raise FormValueError(f"“{text}”不是数字") from exc
    if decimals_of(value) > MAX_DECIMALS:
        raise FormValueError(f"“{text}”的小数位数过多（最多 {MAX_DECIMALS} 位）")
    if len(str(abs(value.to_integral_value()))) > 15:
        raise FormValueError(f"“{str(text)[:30]}”数值过大，请检查是否多输了数字")
    if value < 0 and kind in ("score", "weight"):
        raise FormValueError(f"“{text}”：分值和得分不能为负数")
    if value.is_zero():
        value = abs(value)  # -0.00 is 0.00: the document keeps no sign on zero
    try:
        encode(value)
    except NumberEncodingError as exc:  # e.g. 15 whole digits and 6 decimals: more than 18 digits in all
        raise FormValueError(str(exc)) from exc
    return value












class Target(Struct, frozen=True):
    """An indicator value read as direction (≥, ≤, = or None), figure and unit."""

    direction: str | None
    number: Decimal
    unit: str


@lru_cache(maxsize=4096)
def parse_target(text: str | None) -> Target | None:
    """``≥70%`` → Target('≥', 70, '%'); None when the text is not a single figure (e.g. 明显提高). Kept per
    text: every check of a form reads each 三级 row's targets again, and most texts repeat (``≥90%``)."""
    if not text:
        return None
    s = normalise_text(text).replace("，", "").replace(",", "")
    m = _TARGET.match(s)
    if not m:
        return None
    unit = m.group("unit")
    if any(ch in unit for ch in "≥≤<>=＝"):
        return None
    return Target(_DIRECTIONS.get(m.group("dir") or ""), Decimal(m.group("num")), unit)


def parse_template(text: str | None) -> Target | None:
    """A 年初指标值 written as a template without its figure (``≥%``, ``=万元``, seed 003): direction and unit,
    with the figure 0 as a placeholder; None for anything else."""
    s = normalise_text(text or "")
    m = re.match(r"^(≥|>=|>|≤|<=|<|=|＝)([^\d]{0,6})$", s)
    if not m:
        return None
    return Target(_DIRECTIONS[m.group(1)], Decimal(0), m.group(2))


def parse_direction(text: str | None) -> str | None:
    """A 指标性质 cell (``≥``, ``正向``, ``反向``, ``=``) to ≥ / ≤ / = or None."""
    if not text:
        return None
    s = normalise_text(text)
    return {"正向": "≥", "反向": "≤"}.get(s) or _DIRECTIONS.get(s)
