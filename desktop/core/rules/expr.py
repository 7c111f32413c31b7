"""The small expression language of rules (parsed, never ``eval``-ed).

    expr := ['-'] term (('+' | '-') term)*
    term := ref | 'sum(' ref ')'
    ref  := TABLE '.' ROW '.' COL          one cell
          | TABLE '[' SELECTOR ']' '.' COL  several rows of one column (inside sum(...))

SELECTOR is ``*`` (every data row), ``类``/``款``/``项`` (coded rows of that level), ``floating``
(the clerk's coded rows), ``code:30231`` (coded rows whose code starts with 30231, e.g. the
paired rows 30231_50208 and 30231_50502), ``a..b`` (fixed rows a to b in printed order) or ``a,b,c``.
``{row}``, ``{col}`` and ``{code}`` are replaced before parsing when a rule has ``foreach``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from msgspec import Struct

from ..i18n import tr

_TOKEN = re.compile(
    r"\s*(?:(?P<sum>sum)\s*\(|(?P<ref>[A-Za-z0-9_]+(?:\[[^\]]+\]|\.[A-Za-z0-9_]+)\.[A-Za-z0-9_]+)"
    r"|(?P<op>[+\-])|(?P<close>\)))"
)


class ExprError(ValueError):
    """A malformed rule expression (a definition error)."""


class Term(Struct, frozen=True):
    """One signed reference: a single cell (``row``) or a selection of rows (``selector``)."""

    sign: int
    table: str
    col: str
    row: str | None = None
    selector: str | None = None


def _parse_ref(text: str, sign: int) -> Term:
    if "[" in text:
        table, rest = text.split("[", 1)
        selector, col = rest.split("].", 1)
        return Term(sign, table, col, selector=selector.strip())
    table, row, col = text.split(".")
    return Term(sign, table, col, row=row)


@lru_cache(maxsize=65536)
def parse(text: str) -> tuple[Term, ...]:
    """Parse an expression into signed terms; raises :class:`ExprError` with the position."""
    terms: list[Term] = []
    pos, sign, expect_term = 0, 1, True
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(tr("无法解析表达式 “{text}” 第 {position} 个字符附近", text=text, position=pos + 1))
        pos = m.end()
        if m.group("op"):
            if expect_term and not terms and m.group("op") == "-":
                sign = -sign
                continue
            if expect_term:
                raise ExprError(tr("表达式 “{text}” 中运算符连用", text=text))
            sign, expect_term = (1 if m.group("op") == "+" else -1), True
        elif m.group("sum"):
            if not expect_term:
                raise ExprError(tr("表达式 “{text}” 缺少运算符", text=text))
            inner = _TOKEN.match(text, pos)
            if not inner or not inner.group("ref"):
                raise ExprError(tr("表达式 “{text}” 中 sum( 后应为单元格引用", text=text))
            close = _TOKEN.match(text, inner.end())
            if not close or not close.group("close"):
                raise ExprError(tr("表达式 “{text}” 中 sum( 没有闭合", text=text))
            terms.append(_parse_ref(inner.group("ref"), sign))
            pos, expect_term = close.end(), False
        elif m.group("ref"):
            if not expect_term:
                raise ExprError(tr("表达式 “{text}” 缺少运算符", text=text))
            term = _parse_ref(m.group("ref"), sign)
            if term.selector is not None:
                raise ExprError(tr("表达式 “{text}” 中多行引用须写在 sum(...) 里", text=text))
            terms.append(term)
            expect_term = False
        else:
            raise ExprError(tr("表达式 “{text}” 中括号不配对", text=text))
    if expect_term:
        raise ExprError(tr("表达式 “{text}” 不完整", text=text))
    return tuple(terms)
