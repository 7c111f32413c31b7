"""The names of undo steps: stored in the file in the source Chinese, shown in the reader's language.

A step's label (``填写``, ``粘贴``, ``增加科目行 2080505``…) is written into the file's history when the edit
is made and read back later by the 编辑 menu and ``gongkai undo --list``, perhaps by a program speaking
another language. So a label is a message id: marked with :func:`~.i18n.N_` where it is written and stored
as written (a file is the same whatever language made the edit), translated with :func:`shown` where it is
read. A label with fields is stored filled in (``增加科目行 2080505``); :func:`shown` recognises it by its
template, listed in :data:`TEMPLATES`, and translates the template with the same fields.
"""

from __future__ import annotations

import re
import string
from functools import cache

from .i18n import N_, SOURCE_LANGUAGE, active_language, tr

# The labels with fields, as written by the core and by the window (the command line shows both)
ADD_ROW = N_("增加科目行 {code}")
REMOVE_ROW = N_("删除科目行 {code}")
FILL_ITEM = N_("填写 {value}")  # a 绩效 form cell or 年度资金 field, by its caption
FILL_ROW_ITEM = N_("填写 {label}·{caption}")  # a 绩效 field by its row and column
ADD_INDICATOR_UNDER = N_("增加指标（{level2_label}）")
REMOVE_INDICATOR_NAMED = N_("删除指标 {name}")
# most fields first: "填写 甲·乙" is read as a row and a column rather than one caption
TEMPLATES = (FILL_ROW_ITEM, ADD_ROW, REMOVE_ROW, FILL_ITEM, ADD_INDICATOR_UNDER, REMOVE_INDICATOR_NAMED)


def stored(template: str, **fields: object) -> str:
    """The label to store for ``template`` (one of :data:`TEMPLATES`) with ``fields``: the source Chinese."""
    if template not in TEMPLATES:
        raise ValueError(f"not a step label template: {template!r}")
    return template.format(**fields)


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P<{field}>.*?)")
    return re.compile("".join(parts), re.DOTALL)


def shown(label: str | None) -> str:
    """A stored label in the reader's language (a label this program does not know is shown as stored)."""
    if not label:
        return ""
    if active_language() == SOURCE_LANGUAGE:
        return label  # stored in the source text: no template to match (compiling them costs a start ~1 ms)
    for template in TEMPLATES:
        found = _pattern(template).fullmatch(label)
        if found is not None:
            return tr(template, **found.groupdict())
    return tr(label)
