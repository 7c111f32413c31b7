"""自评等级 claims ("2个项目自评等级为“优”") against the scores quoted beside them ("自评得分89分").

Each statement of counts (优/良/中/差 for one group of projects) is compared with the scores in the same
part: when the number of scores equals the group's total, the grades must match one for one; otherwise a
score whose grade the group does not claim at all is reported. Bands come from the 绩效 scoring data.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from .figures import Figure

_CLAIM = re.compile(r'(\d+)个(?:项目)?(?:自评)?(?:等级|结果)?为"?(优|良|中|差)"?')
_SCORE = re.compile(r"(?:自评|评价)?(?:得分|结果)(?:为|都|均)?(\d+(?:\.\d+)?)分")


def grade_of(score: Decimal, bands: tuple[tuple[str, int], ...]) -> str:
    for grade, low in bands:
        if score >= low:
            return grade
    return bands[-1][0] if bands else ""


def _groups(text: str) -> list[tuple[int, Counter[str]]]:
    """Runs of consecutive count claims (one group per statement), with the position of the first."""
    groups: list[tuple[int, Counter[str]]] = []
    last_end = -10
    for m in _CLAIM.finditer(text):
        if m.start() - last_end > 12 or not groups:
            groups.append((m.start(), Counter()))
        groups[-1][1][m.group(2)] += int(m.group(1))
        last_end = m.end()
    return groups


def check_grades(text: str, bands: tuple[tuple[str, int], ...]) -> list[tuple[Figure, str]]:
    """(where, message) for every group of grade claims the quoted scores contradict, per （1）（2）… chunk."""
    out = []
    starts = [0, *(m.start() for m in re.finditer(r"（\d）", text)), len(text)]
    for begin, end in zip(starts, starts[1:], strict=False):
        for fig, message in _check_chunk(text[begin:end], bands):
            fig.start += begin
            fig.end += begin
            out.append((fig, message))
    return out


def _bands_text(bands: tuple[tuple[str, int], ...]) -> str:
    return "、".join(f"{g}≥{low}" for g, low in bands if low > 0)


def _check_chunk(plain: str, bands: tuple[tuple[str, int], ...]) -> list[tuple[Figure, str]]:
    scores = [(m, Decimal(m.group(1))) for m in _SCORE.finditer(plain)]
    if not scores or not bands:
        return []
    out = []
    for pos, claimed in _groups(plain):
        total = sum(claimed.values())
        if total == 0:
            continue
        actual = Counter(grade_of(s, bands) for _, s in scores)
        listed = "、".join(f"{s.normalize():f}分（{grade_of(s, bands)}）" for _, s in scores)
        said = "、".join(f"{n}个{g}" for g, n in claimed.items() if n)
        where = Figure(pos, pos + 8, Decimal(total), "个", 0, "")
        if len(scores) == total and actual != +claimed:
            out.append((where, f"自评等级写作{said}，但文中所列得分为 {listed}，按{_bands_text(bands)}的等级"
                               f"不一致。请按得分改正等级或核对得分。"))
        elif len(scores) != total and any(claimed[grade_of(s, bands)] == 0 for _, s in scores):
            out.append((where, f"自评等级写作{said}，但文中所列得分 {listed} 的等级不在其中。请核对。"))
    return out
