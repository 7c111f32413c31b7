"""The 情况说明 part of a disclosure as text: find it, undo PDF line breaks, split it into sections.

PDF text wraps lines mid-sentence and sometimes prints a heading twice ("一、…说明一、…说明"); OCR text
mixes half- and full-width punctuation. Everything here normalises to one form so the figure parser
sees ``，。；：（）"`` only.
"""

from __future__ import annotations

import re
from pathlib import Path

from msgspec import Struct, field

PART_START = re.compile(r"第三部分\s*(?:第三部分)?\s*[^\n]{0,30}?(?:情况说明|说明)")
PART_END = re.compile(r"第[四五六]部分")
_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "“": '"', "”": '"',
                        "‘": "'", "’": "'", "％": "%"})
_NUMBER_COMMA = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")
HEADING = re.compile(r"^(?P<num>[一二三四五六七八九十]{1,3})、(?P<title>[^，。；]{2,40}?)(?:(?P=num)、(?P=title))?$")
SUBHEADING = re.compile(r"^（(?P<num>[一二三四五六七八九十]{1,2})）\s*(?P<title>[^。；]{2,40})$")


class NarrativeTextError(ValueError):
    """The text has no 情况说明 part, or the file cannot be read; ``str()`` is the Chinese reason."""


class Section(Struct):
    """One numbered section (一、…) with its body text, lines joined; ``subs`` are its （一）… parts."""

    number: str
    title: str
    body: str = ""
    subs: list[Section] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.number}、{self.title}" if self.number and not self.number.startswith("（") else (
            f"{self.number}{self.title}")

    def parts(self) -> list[tuple[str, str]]:
        """(display name, text) for the section's own text and each sub-part."""
        out = [(self.label, self.body)] if self.body.strip() else []
        out += [(f"{self.label} {sub.number}{sub.title}", sub.body) for sub in self.subs]
        return out


def normalise(text: str) -> str:
    """Half-width punctuation to full width, curly quotes to '"', thousands separators and OCR spaces out."""
    text = text.translate(_WIDTH)
    text = re.sub(r"[ \t\u3000\xa0]+", "", text)
    return _NUMBER_COMMA.sub("", text)


def part_three(text: str) -> str:
    """The 第三部分 text (up to 第四部分), or the whole text when it has no such heading (a bare 情况说明)."""
    starts = list(PART_START.finditer(text))
    # the table of contents also names 第三部分: the body is the last occurrence followed by a section 一、
    for m in reversed(starts):
        rest = text[m.end():]
        if re.search(r"^\s*[一二三四五六七八九十]+、", rest, re.M):
            end = PART_END.search(rest)
            return rest[: end.start()] if end else rest
    if re.search(r"^\s*[一二三四五六七八九十]+、", text, re.M):
        return text
    raise NarrativeTextError("文中没有找到“第三部分 情况说明”，也没有以“一、”开头的说明段落。请确认选择的是公开文本。")


def _is_toc(line: str) -> bool:
    return bool(re.search(r"(?:\.{4,}|…{3,})\d+$", line))


def split_sections(text: str) -> list[Section]:
    """Numbered sections with their sub-parts; lines inside a section are joined without breaks."""
    sections: list[Section] = []
    current: Section | None = None
    target: Section | None = None
    lines: dict[int, list[str]] = {}
    for raw in normalise(text).splitlines():
        line = raw.strip()
        if not line or _is_toc(line):
            continue
        head = HEADING.match(line)
        sub = SUBHEADING.match(line) if current is not None else None
        if head and not re.search(r"\d", head.group("title")):
            current = Section(head.group("num"), head.group("title").strip())
            sections.append(current)
            target = current
        elif sub and current is not None and not re.search(r"\d{3}", sub.group("title")):
            target = Section(f"（{sub.group('num')}）", sub.group("title").strip())
            current.subs.append(target)
        elif target is not None:
            lines.setdefault(id(target), []).append(line)
    for section in sections:
        for part in [section, *section.subs]:
            part.body = _NUMBER_COMMA.sub("", "".join(lines.get(id(part), [])))
    return sections


def read_text_file(path: Path) -> str:
    """Text of a .txt (UTF-8 or GB18030) or .docx file, read as hostile input (see :mod:`.intake`)."""
    from .intake import read_user_text

    return read_user_text(path)


_SENTENCE_END = ("。", "；", "：", "！", "？", "…")
_ITEM_START = re.compile(r"^(?:\d+(?:[、．]|\.(?!\d))|[（(][\d一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+是|[-—·•])")


def _flows_on(previous: str, line: str) -> bool:
    """Whether a PDF line break between ``previous`` and ``line`` fell inside a paragraph."""
    prev, cur = normalise(previous), normalise(line)
    if not prev or prev.endswith(_SENTENCE_END) or _is_toc(prev) or _is_toc(cur):
        return False
    return not (SUBHEADING.match(prev) or SUBHEADING.match(cur) or _ITEM_START.match(cur))


def split_raw(text: str) -> list[tuple[str, str]]:
    """(heading, body) per numbered section, the clerk's own wording kept: headings as 一、…, body lines
    with PDF mid-sentence breaks joined and sub-headings (（一）…) on their own lines. Text before the
    first heading becomes a section without heading when it holds more than a table-of-contents line."""
    out: list[tuple[str, list[str]]] = []
    heading, lines = "", []
    for raw in text.splitlines():
        line = raw.strip().replace("\u3000", " ").strip()
        if not line:
            continue
        head = HEADING.match(normalise(line))
        if head and not re.search(r"\d", head.group("title")):
            if heading or any(not _is_toc(normalise(x)) for x in lines):
                out.append((heading, lines))
            heading, lines = f"{head.group('num')}、{head.group('title').strip()}", []
            continue
        if lines and _flows_on(lines[-1], line):
            lines[-1] += line
        else:
            lines.append(line)
    if heading or any(not _is_toc(normalise(x)) for x in lines):
        out.append((heading, lines))
    if out and not out[0][0] and len(normalise("".join(out[0][1]))) <= 12 and not re.search(r"\d", "".join(out[0][1])):
        out.pop(0)  # the rest of a doubled part heading ("情况说明"), not text
    return [(h, "\n".join(body)) for h, body in out]
