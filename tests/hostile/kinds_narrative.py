"""Hostile input to the 情况说明 commands: text files a user brings (``narrative import`` and ``check --text``),
documents whose narrative tables were tampered with, every hostile .gkb of kinds_gkb through the narrative
commands, and a hostile "last year's document" given to ``narrative prior --link``. Each is refused in Chinese;
the healthy document beside it is never changed.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from hostile import kinds_gkb
from hostile.harness import GKB_COMMANDS, Kind, Run
from hostile.kinds_gkb import _tamper

TEXT_RUNS = (Run(("narrative", "import", "{good}", "{input}")),
             Run(("narrative", "check", "{good}", "--text", "{input}")))
NARRATIVE_GKB = (("narrative", "check", "{input}"), ("narrative", "draft", "{input}"),
                 ("narrative", "export", "{input}", "-o", "{out}.docx"),
                 ("narrative", "prior", "{good}", "--link", "{input}"))


def _file(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        (folder / name).write_bytes(data())
        return folder / name

    return build


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _bomb() -> bytes:
    """A 40 KB archive that would expand to 200 MB."""
    return _zip({"word/document.xml": b"<w:document>" + b" " * 200_000_000})


def _lying_sizes() -> bytes:
    """An archive whose headers claim a tiny document.xml that really expands far beyond the cap."""
    data = bytearray(_zip({"word/document.xml": b"a" * 70_000_000}))
    # the central directory's uncompressed size (offset 24 in the entry) rewritten to 10 bytes
    at = data.rfind(b"PK\x01\x02")
    data[at + 24:at + 28] = (10).to_bytes(4, "little")
    at = data.find(b"PK\x03\x04")
    data[at + 22:at + 26] = (10).to_bytes(4, "little")
    return bytes(data)


def _sparse(name: str, size: int) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        with (folder / name).open("wb") as fh:
            fh.truncate(size)
        return folder / name

    return build


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "管道.txt")
    return folder / "管道.txt"


def _folder(folder: Path) -> Path:
    (folder / "文件夹.docx").mkdir()
    return folder / "文件夹.docx"


def _device_link(folder: Path) -> Path:
    (folder / "设备.txt").symlink_to("/dev/zero")
    return folder / "设备.txt"


def _headings(count: int) -> bytes:
    return "\n".join(f"{'一二三四五六七八九'[n % 9]}、收入决算情况说明\n收入总计1元。" for n in range(count)).encode()


def _text_kind(name: str, build: Callable[[Path], Path], *words: str, runs: tuple[Run, ...] = TEXT_RUNS) -> Kind:
    return Kind(name, "narrative", build, runs, words=words, gui=False)


TEXT_KINDS = [
    _text_kind("narrative-docx-not-zip", _file("说明.docx", lambda: b"PK\x03\x04 this is no archive"), "Word"),
    _text_kind("narrative-docx-zip-without-document", _file("说明.docx", lambda: _zip({"a.txt": b"x"})), "Word"),
    _text_kind("narrative-docx-zip-bomb", _file("说明.docx", _bomb), "解压后过大"),
    _text_kind("narrative-docx-lying-sizes", _file("说明.docx", _lying_sizes)),
    _text_kind("narrative-docx-bad-xml", _file("说明.docx", lambda: _zip({"word/document.xml": b"<w:document"})),
               "Word"),
    _text_kind("narrative-docx-empty", _file("说明.docx", lambda: b""), "Word"),
    _text_kind("narrative-docx-oversized", _sparse("说明.docx", 21 * 1024 * 1024), "超过"),
    _text_kind("narrative-txt-oversized", _sparse("说明.txt", 6 * 1024 * 1024), "超过"),
    _text_kind("narrative-txt-binary", _file("说明.txt", lambda: b"\x00\x01\x02" * 1000), "不是文本"),
    _text_kind("narrative-txt-bad-encoding", _file("说明.txt", lambda: bytes(range(0x80, 0x100)) * 4), "编码"),
    _text_kind("narrative-txt-no-sections", _file("说明.txt", lambda: "公开01表 收入支出决算总表\n".encode()), "第三部分"),
    _text_kind("narrative-txt-too-many-sections", _file("说明.txt", lambda: _headings(260)), "超过",
               runs=TEXT_RUNS[:1]),  # checking such a text without storing it is harmless
    _text_kind("narrative-txt-section-too-long",
               _file("说明.txt", lambda: ("一、收入决算情况说明\n" + "收" * 120_000).encode()), "超过",
               runs=TEXT_RUNS[:1]),
    _text_kind("narrative-txt-nul-late", _file("说明.txt", lambda: ("一、收入决算情况说明\n" + "收" * 5000).encode()
                                                              + b"\x00"), "不是文本"),
    _text_kind("narrative-pdf-extension", _file("说明.pdf", lambda: b"%PDF-1.4\n"), ".docx"),
    _text_kind("narrative-fifo", _fifo, "不是普通文件"),
    _text_kind("narrative-folder", _folder, "不是普通文件"),
    _text_kind("narrative-device-link", _device_link, "不是普通文件"),
    _text_kind("narrative-missing-file", lambda folder: folder / "没有的文件.txt", "不存在"),
]

SECTION = "INSERT INTO narrative_section(part, position, heading, body) VALUES (?, 1, '一、收入', ?)"
PRIOR = "INSERT INTO prior_figure(key, num, source) VALUES ('in_zj', ?, '手工')"
TAMPERED_RUNS = tuple(Run(a) for a in (*GKB_COMMANDS, *NARRATIVE_GKB))
TABLE_KINDS = [
    Kind("narrative-body-blob", "gkb", _tamper("坏.gkb", (SECTION, ("shuoming", b"\x00\x01"))), TAMPERED_RUNS,
         words=("情况说明",)),
    Kind("narrative-body-huge", "gkb", _tamper("坏.gkb", (SECTION, ("shuoming", "字" * 100_001))), TAMPERED_RUNS,
         words=("情况说明",)),
    Kind("narrative-part-check-bypassed", "gkb",
         _tamper("坏.gkb", "PRAGMA ignore_check_constraints = ON", (SECTION, ("fulu", "文字"))), TAMPERED_RUNS,
         words=("情况说明",)),
    Kind("prior-num-real", "gkb", _tamper("坏.gkb", (PRIOR, (1.5,))), TAMPERED_RUNS, words=("上年数",)),
    Kind("prior-num-huge", "gkb", _tamper("坏.gkb", (PRIOR, (2**62,))), TAMPERED_RUNS, words=("上年数",)),
    Kind("prior-num-text", "gkb", _tamper("坏.gkb", (PRIOR, ("一百",))), TAMPERED_RUNS, words=("上年数",)),
]

# every hostile document of kinds_gkb, through the narrative commands (and as "last year's document")
GKB_KINDS = [Kind(f"narrative-cmd-{k.name}", "gkb", k.build, tuple(Run(a) for a in NARRATIVE_GKB), words=k.words,
                  gui=False) for k in kinds_gkb.KINDS if not k.runs]

KINDS = [*TEXT_KINDS, *TABLE_KINDS, *GKB_KINDS]
