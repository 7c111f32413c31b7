"""The unit, year and money unit printed in a table's header lines, and the label line above its title.

Clerks' workbooks print these in many ways: ``部门名称：…`` / ``单位名称：`` / ``编制单位：`` / ``编制部门：`` /
``公开部门：`` / ``预算单位：`` / ``填报单位：`` in a cell of its own or together with ``2022年度`` and
``金额单位：元`` in one long cell; ``单位：万元`` (or ``单位:元``) alone at the right of the title or of the
header line. A ``单位：`` field names the money unit only when its value is a money unit; otherwise it is
the unit's name.
"""

from __future__ import annotations

import re

UNIT_FIELDS = ("编制单位", "编制部门", "单位名称", "部门名称", "公开部门", "预算单位", "填报单位", "部门", "单位")
_NAME_FIELD = re.compile(r"(编制单位|编制部门|单位名称|部门名称|公开部门|预算单位|填报单位|部门|单位)\s*[：:]\s*")
_MONEY = re.compile(r"(?:金额)?单位\s*[：:]\s*(万元|千元|元)")
_YEAR_FIELD = re.compile(r"(?<!\d)(\d{4})\s*年度?(?![\d])")
_STOP = re.compile(r"\s{2,}|\t|(?:金额)?单位\s*[：:]|\s*\d{4}\s*年度?|年度\s*[：:]")
_LABEL_LINE = re.compile(r"^(附件|附表)?\s*[^\s：:]{0,8}?(表|附件)\s*[0-9０-９一二三四五六七八九十]+([\-－—.．][0-9０-９]+)?\s*表?$")


def money_units(text: str) -> list[str]:
    """Money units printed in one cell (``单位：万元``, ``金额单位:元``)."""
    return [m.group(1) for m in _MONEY.finditer(text)]


def unit_names(text: str) -> list[str]:
    """Unit names printed in one cell after a name field (``编制部门：朔州市…局``)."""
    out = []
    for m in _NAME_FIELD.finditer(text):
        rest = text[m.end():]
        stop = _STOP.search(rest)
        value = (rest[: stop.start()] if stop else rest).strip(" ：:")
        if value and not _MONEY.match(m.group(0) + value) and value not in ("元", "万元", "千元"):
            out.append(value)
    return out


def years(text: str, is_field_line: bool) -> list[str]:
    """``2022年度`` alone in a cell, or a year printed on a field line (``年度：2022``, ``… 2022年度 …``)."""
    if re.fullmatch(r"\s*(\d{4})\s*年度?\s*", text):
        return [re.fullmatch(r"\s*(\d{4})\s*年度?\s*", text).group(1)]  # type: ignore[union-attr]
    m = re.match(r"^\s*年度\s*[：:]\s*(\d{4})", text)
    if m:
        return [m.group(1)]
    if is_field_line:
        return [y.group(1) for y in _YEAR_FIELD.finditer(text)]
    return []


def is_field_line(text: str) -> bool:
    return bool(_NAME_FIELD.search(text) or _MONEY.search(text))


def is_label_line(texts: list[str]) -> bool:
    """A row holding only a table's label (``公开03表``, ``预算公开表3``, ``附件1-3``, ``附表 2``)."""
    texts = [t.strip() for t in texts if t.strip()]
    return bool(texts) and len(texts) <= 2 and all(len(t) <= 16 and _LABEL_LINE.match(t.replace(" ", ""))
                                                   for t in texts)
