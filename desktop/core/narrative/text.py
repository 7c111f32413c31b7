"""The 情况说明 part of a disclosure as text: find it, undo PDF line breaks, split it into sections.

PDF text wraps lines mid-sentence and sometimes prints a heading twice ("一、…说明一、…说明"); OCR text
mixes half- and full-width punctuation. Everything here normalises to one form so the figure parser
sees ``，。；：（）"`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

PART_START = re.compile(r"第三部分\s*(?:第三部分)?\s*[^\n]{0,30}?(?:情况说明|说明)")
PART_END = re.compile(r"第[四五六]部分")
_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "“": '"', "”": '"',
                        "‘": "'", "’": "'", "％": "%"})
_NUMBER_COMMA = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")
HEADING = re.compile(r"^(?P<num>[一二三四五六七八九十]{1,3})、(?P<title>[^，。；]{2,40}?)(?:(?P=num)、(?P=title))?$")
SUBHEADING = re.compile(r"^（(?P<num>[一二三四五六七八九十]{1,2})）\s*(?P<title>[^。；]{2,40})$")


class NarrativeTextError(ValueError):
    """The text has no 情况说明 part, or the file cannot be read; ``str()`` is the Chinese reason."""


@dataclass
class Section:
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
    """Text of a .txt (UTF-8 or GB18030) or .docx file."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        try:
            import docx  # type: ignore[import-not-found]
        except ImportError as exc:
            raise NarrativeTextError("读取 .docx 需要 python-docx，请另存为 .txt 后再试。") from exc
        try:
            document = docx.Document(str(path))
        except Exception as exc:  # a damaged or foreign file: zip, XML or package errors alike
            raise NarrativeTextError(f"无法读取 {path.name}：不是有效的 Word 文档（.docx），请用 Word 另存后再试。") from exc
        return "\n".join(p.text for p in document.paragraphs)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NarrativeTextError(f"无法读取 {path.name}：{exc.strerror or exc}") from exc
    if b"\x00" in data[:4096]:
        raise NarrativeTextError(f"{path.name} 不是文本文件。请选择 .txt 或 .docx 格式的公开文本。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NarrativeTextError(f"{path.name} 不是 UTF-8 或 GBK 编码的文本文件。")
