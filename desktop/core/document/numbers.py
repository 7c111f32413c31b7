"""One value encoding for every number a document stores: an integer count of a smallest unit.

A stored number is two integers, ``units`` and ``places``, and means ``units × 10^-places`` (SQLite INTEGER:
never REAL, never decimal text). What each table keeps of it:

- a table cell (``cell.num``) and a 上年数 (``prior_figure.num``) count hundredths of the document's money unit
  (分 for 元, 0.01 万元 for 万元): their places are 2 for every value, fixed by the schema, so only ``units`` is
  stored. A column's decimals in the definition (0 for 车辆数) limit what may be typed, not how it is kept.
- a 绩效 form number (``jx_field``, ``jx_indicator_cell``: ``num`` and ``places``, migration 0006) keeps its
  places beside it, because the decimals a form figure was printed with are part of what it says: the checks
  compare a printed figure at its own precision (执行率 printed 93% against 92.41% is 1 point off at 0
  decimals, KNOWN_ERRORS 001 #13; 70.60% against 70.63% is 0.03 off at 2), a score printed 9.3 is not 9.30,
  and 万元 amounts to 4 decimals (exact to the 元, as seed 004 prints 10.0350万元) are real.

Every value fits SQLite's 64-bit integers exactly: at most :data:`MAX_PLACES` decimals and fewer than 19
significant digits (|units| < :data:`MAX_UNITS`); table amounts stay below :data:`MAX_HUNDREDTHS`. A value
beyond that is refused with a Chinese reason before anything is written. Nothing here uses float.
"""

from __future__ import annotations

from decimal import Decimal

from ..i18n import tr

TABLE_PLACES = 2  # cell.num and prior_figure.num count hundredths
MAX_PLACES = 6
MAX_UNITS = 10**18  # 18 significant digits: far inside 2^63
MAX_HUNDREDTHS = 10**15  # a table amount: ten trillion 元, far beyond any unit's budget


class NumberEncodingError(ValueError):
    """A number the document cannot store exactly; ``str()`` is the Chinese reason."""


def encode(value: Decimal) -> tuple[int, int]:
    """``Decimal('70.60')`` → ``(7060, 2)``; ``Decimal('93')`` → ``(93, 0)``; exact, or refused."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise NumberEncodingError(tr("“{number}”不是有限的十进制数，无法保存", number=str(value)[:30]))
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    places = max(0, -exponent)
    if places > MAX_PLACES:
        raise NumberEncodingError(tr("“{number}”的小数位数过多（最多 {places} 位），无法保存",
                                     number=format(value, "f")[:30], places=MAX_PLACES))
    units = int("".join(map(str, digits)) or "0") * 10 ** max(0, exponent)
    if units >= MAX_UNITS:
        raise NumberEncodingError(tr("“{number}”的位数过多（整数和小数合计最多 18 位），无法保存；"
                                     "请检查是否多输了数字", number=format(value, "f")[:30]))
    return (-units if sign else units), places


def decode(units: int, places: int) -> Decimal:
    """``(7060, 2)`` → ``Decimal('70.60')``: the number with the decimals it was stored with."""
    return Decimal(units).scaleb(-places)


def text(units: int, places: int) -> str:
    """The exact decimal text of a stored number (``7060, 2`` → ``"70.60"``), as seals and dumps carry it."""
    return format(decode(units, places), "f")


def is_hundredths(value: object) -> bool:
    """Whether ``value`` can be stored as a table amount: a whole number of hundredths within range."""
    return type(value) is int and -MAX_HUNDREDTHS < value < MAX_HUNDREDTHS


def hundredths_text(value: int) -> str:
    """A table amount as seals carry it: the integer count of hundredths (``123456`` → ``"123456"``)."""
    return str(value)
