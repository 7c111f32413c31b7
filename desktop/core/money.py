"""Money and numbers as clerks type them, stored as integers of hundredths.

A stored value is an ``int`` counting hundredths of the document's unit (分 for 元, 0.01 万元 for 万元).
Nothing here uses float. Parsing accepts what clerks type and paste from Excel/WPS:
``1,234.56``, ``1234.5``, full-width digits, ``-27.15``, ``（1,234.00）`` for negatives, blanks and the
dashes printed for "not applicable"; anything else raises :class:`AmountError` with a Chinese message.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .i18n import tr

SCALE = 100
MAX_INTEGER_DIGITS = 15  # 百万亿: far above any unit's accounts, and exact in every Decimal context
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９，．－＋（）　％",
    "0123456789,.-+() %",
)
_DASHES = re.compile(r"^[\-—–─━―‐‑‒－_/\\]+$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")
_PLAIN = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")


class AmountError(ValueError):
    """A typed or imported text that is not an amount; ``str(err)`` is the Chinese message."""


def normalise_text(text: str) -> str:
    """Full-width to half-width, strip spaces (also inside, as OCR leaves ``733. 90``)."""
    return re.sub(r"\s+", "", text.translate(_FULLWIDTH))


def is_not_applicable(text: str) -> bool:
    """True for the dash markers (——, ────, —, -) printed in cells that cannot hold a value."""
    return bool(_DASHES.match(normalise_text(text)))


def parse_amount(text: str | None, decimals: int = 2) -> int | None:
    """Parse clerk input into hundredths; ``None`` for blank or a not-applicable dash.

    ``decimals`` is how many decimals the cell allows (2 for money, 0 for counts).
    """
    if text is None:
        return None
    s = normalise_text(str(text))
    if s == "" or is_not_applicable(s):
        return None
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.startswith("-"):
        negative, s = not negative, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if _GROUPED.match(s):
        s = s.replace(",", "")
    elif "," in s:
        raise AmountError(tr("“{text}”的千分位逗号位置不对，请输入如 1,234.56 的金额", text=text))
    if not _PLAIN.match(s):
        raise AmountError(tr("“{text}”不是数字，请输入金额（如 1,234.56），或留空", text=text))
    whole, _, fraction = s.partition(".")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise AmountError(tr("“{text}”数值过大（超过 {digits} 位整数），请检查是否多输了数字", text=str(text)[:30], digits=MAX_INTEGER_DIGITS))
    if len(fraction) > decimals:
        if decimals == 0:
            raise AmountError(tr("“{text}”应为整数", text=text))
        raise AmountError(tr("“{text}”的小数超过 {decimals} 位，金额最多保留到分（两位小数）", text=text, decimals=decimals))
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the regexes above admit only valid decimals
        raise AmountError(tr("“{text}”不是数字", text=text)) from exc
    hundredths = int((value * SCALE).to_integral_value(rounding=ROUND_HALF_UP))
    return -hundredths if negative else hundredths


def from_decimal(value: Decimal) -> int:
    """A Decimal amount to hundredths, rounding half-up."""
    return int((value * SCALE).to_integral_value(rounding=ROUND_HALF_UP))


def to_decimal(hundredths: int) -> Decimal:
    """Hundredths back to an exact Decimal with two places."""
    return (Decimal(hundredths) / SCALE).quantize(Decimal("0.01"))


def format_amount(hundredths: int | None, *, grouping: bool = True, decimals: int = 2) -> str:
    """``123456`` → ``"1,234.56"`` (or ``"1234.56"`` without grouping); ``None`` → ``""``."""
    if hundredths is None:
        return ""
    sign = "-" if hundredths < 0 else ""
    whole, frac = divmod(abs(hundredths), SCALE)
    head = f"{whole:,}" if grouping else str(whole)
    if decimals == 0:
        return f"{sign}{head}" if frac == 0 else f"{sign}{head}.{frac:02d}"
    return f"{sign}{head}.{frac:02d}"


def to_plain(hundredths: int | None, decimals: int = 2) -> str | None:
    """The exact text used in dumps: ``"1234.56"``; counts without decimals: ``"2"``."""
    if hundredths is None:
        return None
    return format_amount(hundredths, grouping=False, decimals=decimals)
