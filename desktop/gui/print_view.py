"""Print / PDF of one table in the official layout (title, 表号, unit line, merged header, 栏次, body),
with the review state, signer and seal in the footer of every page, for the paper copy that gets stamped.

:func:`write_pdf` renders offscreen with QPdfWriter; :func:`ask_and_print` shows the print dialog (which
also offers printing to a PDF file). Both paint the same pages.
"""

from __future__ import annotations

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QPagedPaintDevice, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtWidgets import QWidget

from ..core.document.store import now_iso
from ..core.formats.sheet_layout import header_field_text
from ..core.grid import TableGrid
from ..core.money import format_amount
from ..core.review import TableState
from ..core.session import Session
from .comments_panel import short_time
from .form_view import DEFAULT_WIDTHS
from .style import cjk_family

INDENT = "　"
ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALIGN_CENTER = Qt.AlignmentFlag.AlignCenter


def footer_text(session: Session, key: str) -> str:
    """审核状态, 审核人 and time, whether the seal holds, and who filled the table in."""
    review = session.review
    record = review.state(key)
    parts = [f"审核状态：{record.state.label}"]
    if record.state is TableState.APPROVED:
        seal = review.seal_check(key)
        parts.append(f"审核人：{record.who}　审核时间：{short_time(record.at)}")
        parts.append("封签完好" if seal and seal.intact else "封签已破（审核后数字有变动）")
    elif record.state is TableState.RETURNED:
        parts.append(f"退回人：{record.who}　原因：{record.reason}")
    elif record.state is TableState.SUBMITTED:
        parts.append(f"提交人：{record.who}　{short_time(record.at)}")
    editors = [e["who"] for e in session.doc.change_log()
               if e["tbl"] == key and e["who"] and not (e["action"] or "").startswith("review.")]
    filler = editors[0] if editors else session.doc.meta.get("created_by", "")
    if filler:
        parts.append(f"填报人：{filler}")
    return "　　".join(parts)


def _cell_text(session: Session, grid: TableGrid, r: int, c: int) -> tuple[str, Qt.AlignmentFlag]:
    cell = grid.at(r, c)
    if cell.cell is not None:
        decimals = session.cell_info(cell.cell).column.decimals
        return format_amount(session.value(cell.cell), decimals=decimals), ALIGN_RIGHT
    if cell.kind == "label":
        return INDENT * cell.indent + cell.text, ALIGN_LEFT
    return cell.text, (ALIGN_CENTER if cell.kind in ("rowno", "code", "na") else ALIGN_LEFT)


def render(session: Session, key: str, device: QPagedPaintDevice) -> int:
    """Paint the table onto ``device`` page by page (the header repeated); returns the page count."""
    table = session.tset.table(key)
    grid = TableGrid(table, session.rows)
    meta = session.doc.meta
    painter = QPainter(device)
    try:
        rect = QRectF(painter.viewport())
        dpi = device.logicalDpiY()
        pt = dpi / 72.0
        family = cjk_family() or ""
        body_font, bold, title_font = QFont(family), QFont(family), QFont(family)
        body_font.setPixelSize(int(8 * pt))
        bold.setPixelSize(int(8 * pt))
        bold.setBold(True)
        title_font.setPixelSize(int(15 * pt))
        title_font.setBold(True)
        chars = [gc.column.width or DEFAULT_WIDTHS.get(gc.column.kind, 12) for gc in grid.columns]
        scale = rect.width() / sum(chars)
        xs = [rect.left()]
        for w in chars:
            xs.append(xs[-1] + w * scale)
        row_h = 15 * pt
        header_rows = grid.header_rows + (1 if grid.lanci is not None else 0)
        footer_h = 2 * row_h
        top_block = 3.2 * row_h + header_rows * row_h
        per_page = max(1, int((rect.height() - top_block - footer_h) // row_h))
        pages = max(1, -(-grid.row_count // per_page))
        footer = footer_text(session, key)
        unit = "　　　　".join(header_field_text(name, meta) for name in table.header_fields)
        thin = QPen(Qt.GlobalColor.black)
        thin.setWidthF(0.6 * pt)
        cells_by_row: dict[str, list[bool]] = {}
        for cells in grid.body:
            for bc in cells:
                if bc.cell is not None and bc.row_key:
                    cells_by_row.setdefault(bc.row_key, []).append(session.engine.is_derived(bc.cell))
        total_rows = {k for k, derived in cells_by_row.items() if all(derived)}  # 类/款/合计: bold, as printed
        spans_by_start = {(s.row, s.col): s for s in grid.body_spans}
        covered = {(s.row + dr, s.col + dc) for s in grid.body_spans for dr in range(s.rows) for dc in range(s.cols)
                   if (dr, dc) != (0, 0)}
        for page in range(pages):
            if page:
                device.newPage()
            y = rect.top()
            painter.setFont(title_font)
            painter.drawText(QRectF(rect.left(), y, rect.width(), 1.6 * row_h), ALIGN_CENTER, table.title)
            y += 1.6 * row_h
            painter.setFont(body_font)
            painter.drawText(QRectF(rect.left(), y, rect.width(), row_h), ALIGN_RIGHT, table.label)
            painter.drawText(QRectF(rect.left(), y + 0.8 * row_h, rect.width(), row_h), ALIGN_LEFT, unit)
            y += 1.6 * row_h
            painter.setPen(thin)
            painter.setFont(bold)
            for span in grid.header:
                box = QRectF(xs[span.col], y + span.row * row_h, xs[span.col + span.cols] - xs[span.col], span.rows * row_h)
                painter.drawRect(box)
                painter.drawText(box.adjusted(2, 0, -2, 0), ALIGN_CENTER | Qt.TextFlag.TextWordWrap, span.text)
            if grid.lanci is not None:
                for c, text in enumerate(grid.lanci):
                    box = QRectF(xs[c], y + grid.header_rows * row_h, xs[c + 1] - xs[c], row_h)
                    painter.drawRect(box)
                    painter.drawText(box, ALIGN_CENTER, text)
            y += header_rows * row_h
            painter.setFont(body_font)
            for i, r in enumerate(range(page * per_page, min(grid.row_count, (page + 1) * per_page))):
                top = y + i * row_h
                for c in range(grid.column_count):
                    if (r, c) in covered:
                        continue
                    span = spans_by_start.get((r, c))
                    right = xs[c + (span.cols if span else 1)]
                    box = QRectF(xs[c], top, right - xs[c], row_h)
                    painter.drawRect(box)
                    text, align = _cell_text(session, grid, r, c)
                    bc = grid.at(r, c)
                    painter.setFont(bold if bc.kind in ("total", "heading") or bc.row_key in total_rows else body_font)
                    painter.drawText(box.adjusted(2 * pt, 0, -2 * pt, 0), align, text)
            painter.setFont(body_font)
            bottom = rect.bottom() - footer_h
            painter.drawText(QRectF(rect.left(), bottom + 0.3 * row_h, rect.width(), row_h), ALIGN_LEFT, footer)
            painter.drawText(QRectF(rect.left(), bottom + row_h, rect.width(), row_h), ALIGN_RIGHT,
                             f"第 {page + 1} 页 共 {pages} 页　打印于 {short_time(now_iso())}")
        return pages
    finally:
        painter.end()


def write_pdf(session: Session, key: str, path: str) -> int:
    """Write the table as an A4 landscape PDF; returns the page count."""
    writer = QPdfWriter(path)
    writer.setResolution(150)
    writer.setTitle(session.tset.table(key).title)
    writer.setCreator("公开表工作台")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    return render(session, key, writer)


def ask_and_print(parent: QWidget, session: Session, key: str) -> str | None:
    """The print dialog (a printer, or 打印到文件 for a PDF); renders the same pages."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    printer.setDocName(session.tset.table(key).title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印 / 导出 PDF")
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return None
    render(session, key, printer)
    return printer.outputFileName() or printer.printerName()
