"""Figures in 情况说明 prose: amounts, percentages and counts, each with the noun phrase it quantifies.

A figure's *prefix* is the text between the previous delimiter (or figure) and the number. From it come
the *subject* (收入合计, 人员经费, 卫生健康支出…), the *measure* (年初预算 / 决算 / 执行数) and, for
amounts after 增加/减少 and percentages after 增长/下降, the direction of a change claim.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from msgspec import Struct

_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(万元|元|%|个|辆|人次|批次|台（套）|台|家|人|分)")
_DELIMS = "，。；：、！？"
_UP = ("增加", "增长", "上升", "提高")
_DOWN = ("减少", "较少", "下降", "降低", "节约", "节省")
_CHANGE_END = re.compile(r"(" + "|".join(_UP + _DOWN) + r")(?:了)?$")
_RATE_END = re.compile(r"(?:完成(?:年初|全年)?预算(?:数)?的|执行率(?:为|是)?|预算完成率(?:为)?)$")
_SHARE = re.compile(r"占(?:比)?(?P<base>[^占]*?)(?:的)?(?:比(?:重|例))?(?:为)?$")
_LEAD = re.compile(r"^(?:其中|主要包括|主要用于以下方面|主要用于|包括|主要有|共计|合计|共|[-—·]|\d+[、.]|[一二三四五六七八九十]+是)+")
_TRAIL = re.compile(r"(?:为|是|共计|共|达|总额为)$")
_MEASURES = (
    ("年初预算数", "budget"), ("年初预算", "budget"), ("全年预算数", "budget"), ("全年预算", "budget"),
    ("支出预算数", "budget"), ("支出预算", "budget"), ("预算数", "budget"), ("预算", "budget"),
    ("支出决算数", "actual"), ("支出决算", "actual"), ("决算数", "actual"), ("决算", "actual"),
    ("执行数", "actual"), ("实际支出", "actual"),
)
_YEAR = re.compile(r"(\d{4})年(?:度)?")
_COMPARE = re.compile(r"(?:与|和)?(?:上年|\d{4}年(?:决算|预算)?|上年度|上年预算数?)(?:相比|比较)?$|^(?:比|较|与)")


class Figure(Struct):
    """One number in the text; ``value`` is in the figure's own unit (元, 万元, %, or a count)."""

    start: int
    end: int
    value: Decimal
    unit: str
    decimals: int
    prefix: str
    subject: str = ""
    measure: str = ""
    change: int = 0          # +1 / -1: an amount or percentage stated as an increase or decrease
    rate: bool = False       # 完成预算的 x% / 执行率 x%
    share_base: str | None = None  # 占…的 x%: the base's label ("" when only 占比)
    full: str = ""           # the label with its measure word (支出预算, "三公"经费预算)
    years: tuple[int, ...] = ()
    item: bool = False       # an item of a listed breakdown (set by :func:`lists.find_lists`)

    @property
    def is_money(self) -> bool:
        return self.unit in ("元", "万元")

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    def text(self, source: str) -> str:
        return source[self.start:self.end]

    def yuan(self) -> Decimal:
        """The amount in 元 (money figures only)."""
        return self.value * 10000 if self.unit == "万元" else self.value

    def half_step_yuan(self) -> Decimal:
        """Half the printed step, in 元: 万元 figures are rounded, 元 figures are exact."""
        if self.unit != "万元":
            return Decimal(0)
        return Decimal(5000) / (Decimal(10) ** self.decimals)


def clean_subject(text: str) -> tuple[str, str, str]:
    """(subject, measure, label with measure) from a prefix: year and unit name, fillers and the measure word taken off."""
    text = text.replace('"', "").replace("'", "")
    years = list(_YEAR.finditer(text))
    if years:
        text = text[years[-1].end():]
    text = _LEAD.sub("", text)
    text = re.sub(r"[（(]类[）)]|[（(]款[）)]|[（(]项[）)]", "", text)
    measure = ""
    full = re.sub(r"[，、：]+$", "", _TRAIL.sub("", text))
    for _ in range(2):
        text = _TRAIL.sub("", text)
        for word, kind in _MEASURES:
            if text.endswith(word):
                text, measure = text[: -len(word)], measure or kind
                break
    text = _TRAIL.sub("", text)
    text = re.sub(r"[，、：]+$", "", text)
    return text, measure, full


@lru_cache(maxsize=8192)
def normalise_label(text: str) -> str:
    """A label as compared with the aliases of the narrative data: no quotes, brackets or numbering (kept per
    label: a check compares every row name of a table with each subject, thousands of times)."""
    text = text.replace('"', "").replace("'", "")
    text = re.sub(r"[（(][类款项][）)]", "", text)
    text = re.sub(r"^[一二三四五六七八九十]+、|^\d+[、.]|^[（(][一二三四五六七八九十\d]+[）)]", "", text)
    return re.sub(r"[（(]行次\d+[）)]", "", text).strip()


def find_figures(text: str) -> list[Figure]:
    """Every number with a unit, in order, with its prefix and what the prefix says about it."""
    out: list[Figure] = []
    last_end = 0
    for m in _NUMBER.finditer(text):
        start = m.start()
        cut = max(last_end, max((text.rfind(d, 0, start) + 1 for d in _DELIMS), default=0))
        prefix = text[cut:start]
        raw = m.group(1)
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        fig = Figure(start, m.end(), Decimal(raw), m.group(2), decimals, prefix)
        fig.years = tuple(int(y) for y in _YEAR.findall(text[cut:start]))
        change = _CHANGE_END.search(prefix)
        if change:
            fig.change = 1 if change.group(1) in _UP else -1
            prefix = prefix[: change.start()]
            prefix = _COMPARE.sub("", prefix)
        if fig.is_percent and not fig.change:
            if _RATE_END.search(prefix):
                fig.rate = True
            else:
                share = _SHARE.search(prefix)
                if share:
                    fig.share_base = clean_subject(share.group("base"))[2]
        if fig.is_money:
            fig.subject, fig.measure, fig.full = clean_subject(prefix)
        out.append(fig)
        last_end = m.end()
    return out


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The sentence (between 。) around ``pos``."""
    start = text.rfind("。", 0, pos) + 1
    end = text.find("。", pos)
    return start, (len(text) if end < 0 else end)


def snippet(text: str, fig: Figure, width: int = 40) -> str:
    """The clause around a figure, for messages (at most ``width`` characters either side)."""
    start, end = sentence_bounds(text, fig.start)
    start = max(start, fig.start - width)
    end = min(end, fig.end + width)
    return text[start:end].strip("，；：")
