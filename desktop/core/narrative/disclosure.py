"""The whole disclosure as one Word document (.docx), in the official order.

封面; 目录; 第一部分 部门概况 (typed); 第二部分 the tables (laid out by :func:`table_grid`, the same
printed grid the Excel export uses); 第三部分 情况说明 (stored sections); 第四部分 名词解释 (typed);
第五部分 附件 (the 绩效 forms). Written to a temporary file beside the target and renamed into place, so a
failure leaves no partial file; :func:`convert_to_pdf` asks LibreOffice, when installed, for a PDF the
same way.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..formats.errors import ExportError
from ..formats.sheet_layout import SheetGrid, table_grid
from ..formats.xlsx_export import write_atomically
from ..i18n import N_
from ..money import format_amount

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from ..session import Session

FONT = "宋体"
PDF_TIMEOUT_S = 180


def _title_of(session: Session) -> str:
    meta = session.doc.meta
    kind = "部门预算" if session.tset.info.kind == "预算" else "部门决算"
    return f"{meta.get('unit_name', '')}{meta.get('year', session.tset.info.year)}年{kind}"


def part_titles(session: Session) -> list[str]:
    year = session.doc.meta.get("year", str(session.tset.info.year))
    kind = "部门预算" if session.tset.info.kind == "预算" else "部门决算"
    return ["第一部分 部门概况", f"第二部分 {year}年度{kind}表", f"第三部分 {year}年度{kind}情况说明",
            "第四部分 名词解释", "第五部分 附件"]


class _Builder:
    def __init__(self, session: Session) -> None:
        import docx
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Pt

        self.session, self.Pt, self.center = session, Pt, WD_ALIGN_PARAGRAPH.CENTER
        self.right = WD_ALIGN_PARAGRAPH.RIGHT
        self.doc: DocxDocument = docx.Document()
        style = self.doc.styles["Normal"]
        style.font.name = FONT
        style.font.size = Pt(11)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        self.titles = part_titles(session)

    def para(self, text: str, *, size: float | None = None, bold: bool = False, align: Any = None) -> None:
        p = self.doc.add_paragraph()
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = self.Pt(size)
        if align is not None:
            p.alignment = align

    def heading(self, text: str) -> None:
        self.para(text, size=16, bold=True, align=self.center)

    def page_break(self) -> None:
        self.doc.add_page_break()

    # -- parts ----------------------------------------------------------------------------------
    def cover(self) -> None:
        for _ in range(8):
            self.doc.add_paragraph()
        self.para(_title_of(self.session), size=26, bold=True, align=self.center)
        self.para("公开文本", size=18, align=self.center)
        self.page_break()

    def contents(self) -> None:
        self.heading("目  录")
        tables = self.session.tset.tables
        forms = self.session.forms.forms() if self.session.has_forms() else []
        for n, title in enumerate(self.titles):
            self.para(title, bold=True)
            if n == 1:
                for t in tables:
                    self.para(f"    {t.label} {t.title}")
            if n == 4:
                for form in forms:
                    self.para(f"    {form.title}")
        self.page_break()

    def text_part(self, part: str, title: str) -> None:
        self.heading(title)
        sections = self.session.narrative.sections(part)
        if not sections:
            self.para("（本部分尚未填写）")
        from .text import SUBHEADING, normalise

        for s in sections:
            if s.heading:
                self.para(s.heading, bold=True)
            for line in s.body.splitlines():
                if line.strip():
                    self.para(line.strip(), bold=bool(SUBHEADING.match(normalise(line))))
        self.page_break()

    def tables(self) -> None:
        self.heading(self.titles[1])
        session = self.session
        values = session.engine.values
        meta = session.doc.meta
        floating = session.doc.floating_rows()
        for n, table in enumerate(session.tset.tables):
            mine = {(r, c): v for (t, r, c), v in values.items() if t == table.key}
            self.grid(table_grid(session.tset, table.key, mine, floating.get(table.key, []), meta))
            if n < len(session.tset.tables) - 1:
                self.page_break()
        self.page_break()

    def grid(self, g: SheetGrid) -> None:
        top, last = g.header_rows[0], max(g.body_rows[1], g.header_rows[1])
        for r in range(top):
            texts = [c.text for (rr, _), c in sorted(g.cells.items()) if rr == r and c.text]
            role = next((c.role for (rr, _), c in g.cells.items() if rr == r), "")
            if texts:
                align = self.right if role == "table_label" else (self.center if role == "title" else None)
                self.para("    ".join(texts), size=14 if role == "title" else 10, bold=role == "title", align=align)
        table = self.doc.add_table(rows=last - top + 1, cols=g.ncols)
        table.style = "Table Grid"
        for (r, c), cell in g.cells.items():
            if top <= r <= last:
                self._cell(table.cell(r - top, c), cell)
        for r1, c1, r2, c2 in g.merges:
            if top <= r1 and r2 <= last:
                table.cell(r1 - top, c1).merge(table.cell(r2 - top, c2))
        for r in range(last + 1, g.nrows):
            for (rr, _), cell in sorted(g.cells.items()):
                if rr == r and cell.text:
                    self.para(cell.text, size=9)

    def _cell(self, target: Any, cell: Any) -> None:
        if cell.role == "amount":
            text = format_amount(cell.value, decimals=cell.decimals) if cell.value is not None else ""
        else:
            text = ("  " * cell.indent) + cell.text
        target.text = text
        for p in target.paragraphs:
            if cell.role == "amount":
                p.alignment = self.right
            elif cell.role in ("header", "lanci"):
                p.alignment = self.center
            for run in p.runs:
                run.font.size = self.Pt(8)
                run.bold = cell.role == "header"

    def appendix(self) -> None:
        self.heading(self.titles[4])
        if not self.session.has_forms():
            self.para("（本文件没有绩效表）")
            return
        from .disclosure_forms import write_form

        book = self.session.forms
        for form in book.forms():
            write_form(self, book.definition(form.id), form, book.derived(form.id))

    def build(self) -> bytes:
        self.cover()
        self.contents()
        self.text_part("gaikuang", self.titles[0])
        self.tables()
        self.text_part("shuoming", self.titles[2])
        self.text_part("mingci", self.titles[3])
        self.appendix()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def plain_number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _write_atomically(data: bytes, target: Path) -> None:
    write_atomically(data, target, N_("文件名（如 某单位-2022-公开.docx）"))


def export_disclosure(session: Session, target: Path) -> None:
    """Write the whole disclosure to ``target`` (.docx), atomically."""
    target = Path(target)
    if target.suffix.lower() != ".docx":
        raise ExportError(f"“{target.name}”：公开文本请导出为 .docx 文件（如 某单位-2022-公开.docx）。")
    _write_atomically(_Builder(session).build(), target)


def soffice() -> str | None:
    """The LibreOffice command, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx_path: Path, target: Path) -> None:
    """A PDF of ``docx_path`` by LibreOffice (headless), written atomically to ``target``."""
    command = soffice()
    if command is None:
        raise ExportError("本机没有安装 LibreOffice，无法生成 PDF；已导出的 .docx 可用 Word 或 WPS 另存为 PDF。")
    with tempfile.TemporaryDirectory(prefix="gongkai-pdf-") as work:
        profile = Path(work) / "profile"
        try:
            subprocess.run(
                [command, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                 "--outdir", work, str(docx_path)],
                check=True, capture_output=True, timeout=PDF_TIMEOUT_S,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise ExportError(f"LibreOffice 生成 PDF 失败（{exc}），未生成 PDF。.docx 已导出，可用 Word 另存为 PDF。") from exc
        made = Path(work) / (docx_path.stem + ".pdf")
        if not made.is_file():
            raise ExportError("LibreOffice 没有生成 PDF，未生成 PDF。.docx 已导出，可用 Word 另存为 PDF。")
        _write_atomically(made.read_bytes(), Path(target))
