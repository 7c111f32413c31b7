"""The whole disclosure as .docx (official order, atomic) and user text files read as hostile input."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from conftest import SEEDS

from desktop.cli import main
from desktop.core.formats.errors import ExportError
from desktop.core.narrative.disclosure import export_disclosure, part_titles
from desktop.core.narrative.intake import MAX_TXT_BYTES, MAX_UNPACKED_BYTES, read_user_text
from desktop.core.narrative.text import NarrativeTextError

docx = pytest.importorskip("docx")


def test_docx_has_every_part_in_official_order(tmp_path, capsys):
    from conftest import seed_path

    from desktop.core.session import Session

    gkb = tmp_path / "001.gkb"
    assert main(["load", str(seed_path("001_0f45429440d9ca6e")), "-o", str(gkb)]) == 0  # with its 绩效 forms
    session = Session.open(gkb)
    session.narrative.import_text((SEEDS / "001_0f45429440d9ca6e.txt").read_text(encoding="utf-8"), who="甲")
    target = tmp_path / "公开.docx"
    export_disclosure(session, target)
    word = docx.Document(str(target))
    texts = [p.text for p in word.paragraphs]
    assert texts[8] == "柳林县医疗保障局2022年部门决算"  # the cover
    body = [t for t in texts if t in part_titles(session)]
    # each part title twice: in 目录, then as the part's heading, in this order
    assert body == part_titles(session) * 2
    assert texts.index("一、收入支出决算总体情况说明") > texts.index("第三部分 2022年度部门决算情况说明", texts.index("目  录") + 10)
    tables = len(session.tset.tables)
    assert len(word.tables) >= tables + 3  # ten tables, then the three 绩效 forms in 附件
    cells = {c.text for t in word.tables[:tables] for row in t.rows for c in row.cells}
    assert "37,530,895.08" in cells
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".gongkai-export-")]
    session.close()


def test_export_refusals_leave_nothing(load_seed, tmp_path, capsys):
    session, _ = load_seed("000_add86a24b3a51088")
    with pytest.raises(ExportError, match="不存在"):
        export_disclosure(session, tmp_path / "没有的文件夹" / "公开.docx")
    with pytest.raises(ExportError, match=".docx"):
        export_disclosure(session, tmp_path / "公开.pdf")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith("-lock")) == ["000_add86a24b3a51088.gkb"]


def test_cli_export_says_when_no_pdf_can_be_made(load_seed, tmp_path, capsys, monkeypatch):
    session, _ = load_seed("000_add86a24b3a51088")
    path = session.doc.path
    session.close()
    monkeypatch.setattr("desktop.core.narrative.disclosure.soffice", lambda: None)
    code = main(["narrative", "export", str(path), "-o", str(tmp_path / "公开.docx"), "--pdf", str(tmp_path / "公开.pdf")])
    out = capsys.readouterr().out
    assert code == 0 and "没有安装 LibreOffice" in out
    assert (tmp_path / "公开.docx").is_file() and not (tmp_path / "公开.pdf").exists()


def _zip(members: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", level) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("name, data, words", [
    ("假.docx", b"PK\x03\x04 but not a zip", "不是有效的 Word"),
    ("压缩包.docx", _zip({"a.txt": b"hello"}), "不是有效的 Word"),
    ("炸弹.docx", _zip({"word/document.xml": b"<" + b"a" * (MAX_UNPACKED_BYTES + 10)}), "解压后过大"),
    ("二进制.txt", b"\x00\x01\x02\x03" * 100, "不是文本文件"),
    ("乱码.txt", bytes(range(128, 256)) * 10, "编码"),
    ("表格.xlsx", _zip({"xl/workbook.xml": b"<x/>"}), ".txt 或 .docx"),
])
def test_hostile_text_files_are_refused(tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(NarrativeTextError, match=words):
        read_user_text(path)
    assert path.read_bytes() == data


def test_oversized_and_special_files_are_refused_unread(tmp_path):
    big = tmp_path / "大.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_TXT_BYTES + 1)
    with pytest.raises(NarrativeTextError, match="超过"):
        read_user_text(big)
    with pytest.raises(NarrativeTextError, match="不是普通文件"):
        read_user_text(tmp_path)
    fifo = tmp_path / "管道.txt"
    os.mkfifo(fifo)
    with pytest.raises(NarrativeTextError, match="不是普通文件"):
        read_user_text(fifo)  # would block forever if opened
