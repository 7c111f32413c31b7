"""Decimal arithmetic shared by the rule kinds and the 绩效 forms: explicit rounding, comparison at a printed
figure's own precision, and the conversions of figures for messages and findings (never float)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from ...i18n import tr


def decimals_of(value: Decimal) -> int:
    """How many decimals a number was printed with (``Decimal('70.60')`` → 2, ``Decimal('93')`` → 0)."""
    exp = value.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def round_to(value: Decimal, decimals: int) -> Decimal:
    """Round half-up to ``decimals`` places."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def same_at_printed_precision(printed: Decimal, exact: Decimal) -> bool:
    """True when ``exact`` rounded to as many decimals as ``printed`` shows equals it."""
    return round_to(exact, decimals_of(printed)) == printed


def plain(value: Decimal | None) -> str:
    """A number as clerks read it: no exponent, no trailing ``.0`` noise beyond what was printed."""
    if value is None:
        return ""
    return format(value, "f")


def shown(value: Decimal | None) -> str:
    """A figure as printed in a message; ``空`` for an empty cell."""
    return plain(value) if value is not None else tr("空")


def hundredths(value: Decimal | None) -> int | None:
    """A Decimal to integer hundredths (half-up), the unit of :class:`Finding` figures."""
    if value is None:
        return None
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def capped_product(factor: Decimal, rate: Decimal, scale: Decimal, decimals: int) -> Decimal:
    """``factor × rate ÷ scale``, never more than ``factor`` (执行率得分 = 分值 × 执行率 ≤ 分值)."""
    return round_to(min(factor, factor * rate / scale), decimals)


def within_band(value: Decimal, low: Decimal, high: Decimal, closed_top: bool) -> bool:
    """``low`` inclusive; ``high`` exclusive unless the band is closed at the top (定性 80%–100%)."""
    if value < low:
        return False
    return value <= high if closed_top else value < high


_CAPTION_NOISE = re.compile(r"[\s“”\"'‘’《》:：·、\-—_]")


def norm(text: object) -> str:
    """Compare captions without spaces, quotes, colons or bracket style (as the published-figures import does)."""
    if not text:
        return ""
    return _CAPTION_NOISE.sub("", str(text).replace("（", "(").replace("）", ")"))
