"""Print / PDF of tables in the official layout (title, 表号, unit line, merged header, 栏次, body, 注) and
of 绩效 forms (the layout of their xlsx export), with the review state, signer and seal in the footer of
every page, for the paper copy that gets stamped. Text prints at 9 pt; a table too wide for the page at that
size is split into parts across pages (between its side-by-side blocks, or with its 项目 columns repeated).

:func:`write_pdf` renders offscreen with QPdfWriter; :func:`ask_and_print` shows the print dialog (which
also offers printing to a PDF file). Both paint the same pages; several tables and forms print as one job.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QPagedPaintDevice, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtWidgets import QWidget

from ..core.document.store import now_iso
from ..core.formats.forms_xlsx_export import form_layout
from ..core.formats.sheet_layout import header_field_text
from ..core.grid import TableGrid
from ..core.i18n import tr
from ..core.money import format_amount
from ..core.review import TableState
from ..core.session import Session
from .form_view import DEFAULT_WIDTHS
from .style import cjk_family
from .times import short_time

INDENT = "　"
ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALIGN_CENTER = Qt.AlignmentFlag.AlignCenter


def footer_text(session: Session, key: str) -> str:
    """审核状态, 审核人 and time, whether the seal holds, and who filled the table in."""
    review = session.review
    record = review.state(key)
    parts = [tr("审核状态：{label}", label=record.state.label)]
    if record.state is TableState.APPROVED:
        seal = review.seal_check(key)
        parts.append(tr("审核人：{who}　审核时间：{short_time}", who=record.who, short_time=short_time(record.at)))
        parts.append(tr("封签完好") if seal and seal.intact else tr("封签已破（审核后数字有变动）"))
    elif record.state is TableState.RETURNED:
        parts.append(tr("退回人：{who}　原因：{reason}", who=record.who, reason=record.reason))
    elif record.state is TableState.SUBMITTED:
        parts.append(tr("提交人：{who}　{short_time}", who=record.who, short_time=short_time(record.at)))
    editors = [e["who"] for e in session.doc.change_log()
               if e["tbl"] == key and e["who"] and not (e["action"] or "").startswith("review.")]
    filler = editors[0] if editors else session.doc.meta.get("created_by", "")
    if filler:
        parts.append(tr("填报人：{filler}", filler=filler))
    return "　　".join(parts)


def _cell_text(session: Session, grid: TableGrid, r: int, c: int) -> tuple[str, Qt.AlignmentFlag]:
    cell = grid.at(r, c)
    if cell.cell is not None:
        decimals = session.cell_info(cell.cell).column.decimals
        return format_amount(session.value(cell.cell), decimals=decimals), ALIGN_RIGHT
    if cell.kind == "label":
        return INDENT * cell.indent + cell.text, ALIGN_LEFT
    return cell.text, (ALIGN_CENTER if cell.kind in ("rowno", "code", "na") else ALIGN_LEFT)


BODY_PT = 9  # every table prints at 9 pt or more; a table too wide for that is split across pages
UNIT_EM = 0.5  # a definition's column width unit is about half a Chinese character


def column_chunks(grid: TableGrid, chars: list[float], fits: float) -> list[tuple[list[int], list[int]]]:
    """Pages across: (repeated columns, own columns) per part, each at most ``fits`` width units wide.
    Side-by-side blocks break between blocks; a stacked table repeats its 项目/编码 columns."""
    if sum(chars) <= fits:
        return [([], list(range(len(chars))))]
    blocks: list[list[int]] = []
    for c, gc in enumerate(grid.columns):
        if blocks and grid.columns[blocks[-1][0]].block == gc.block:
            blocks[-1].append(c)
        else:
            blocks.append([c])
    repeat: list[int] = []
    if len(blocks) == 1:  # stacked: the stub columns go on every part
        stub = [c for c, gc in enumerate(grid.columns) if gc.column.kind in ("label", "rowno", "code", "code_part", "name")]
        repeat = stub[: next((i for i, c in enumerate(stub) if c != i), len(stub))]
        blocks = [[c] for c in range(len(repeat), len(chars))]
    parts: list[list[int]] = [[]]
    room = fits - sum(chars[c] for c in repeat)
    for block in blocks:
        width = sum(chars[c] for c in block)
        if parts[-1] and sum(chars[c] for c in parts[-1]) + width > room:
            parts.append([])
        parts[-1].extend(block)
    return [(repeat, cols) for cols in parts]


def paint_table(painter: QPainter, session: Session, key: str, device: QPagedPaintDevice, new_page: bool) -> int:
    """Paint one table page by page (header repeated; parts across when too wide); returns the page count."""
    table = session.tset.table(key)
    grid = TableGrid(table, session.rows)
    meta = session.doc.meta
    rect = QRectF(painter.viewport())
    pt = device.logicalDpiY() / 72.0
    family = cjk_family() or ""
    body_font, bold, title_font = QFont(family), QFont(family), QFont(family)
    body_font.setPixelSize(int(BODY_PT * pt))
    bold.setPixelSize(int(BODY_PT * pt))
    bold.setBold(True)
    title_font.setPixelSize(int(15 * pt))
    title_font.setBold(True)
    chars = [float(gc.column.width or DEFAULT_WIDTHS.get(gc.column.kind, 12)) for gc in grid.columns]
    unit = BODY_PT * UNIT_EM * pt
    chunks = column_chunks(grid, chars, rect.width() / unit)
    row_h = (BODY_PT + 7) * pt
    header_rows = grid.header_rows + (1 if grid.lanci is not None else 0)
    footer_h = 2 * row_h
    notes = list(table.notes) + ([table.empty_note] if all(session.value(c) is None for c in grid.value_cells())
                                 and table.empty_note else [])
    top_block = 3.2 * row_h + header_rows * row_h
    per_page = max(1, int((rect.height() - top_block - footer_h) // row_h))
    row_pages = max(1, -(-grid.row_count // per_page))
    last_rows = grid.row_count - (row_pages - 1) * per_page
    if notes and last_rows + len(notes) > per_page:
        row_pages += 1
    pages = row_pages * len(chunks)
    footer = footer_text(session, key)
    unit_line = "　　　　".join(header_field_text(name, meta) for name in table.header_fields)
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
    page = 0
    for part, (repeat, own) in enumerate(chunks, 1):
        shown = repeat + own
        scale = rect.width() / sum(chars[c] for c in shown)  # each part fills the page width (≥ 9 pt text)
        xs: dict[int, float] = {}
        x = rect.left()
        for c in shown:
            xs[c] = x
            x += chars[c] * scale
        right_edge = x

        for row_page in range(row_pages):
            if page or new_page:
                device.newPage()
            page += 1
            y = rect.top()
            painter.setFont(title_font)
            painter.drawText(QRectF(rect.left(), y, right_edge - rect.left(), 1.6 * row_h), ALIGN_CENTER, table.title)
            y += 1.6 * row_h
            painter.setFont(body_font)
            painter.drawText(QRectF(rect.left(), y, right_edge - rect.left(), row_h), ALIGN_RIGHT, table.label)
            painter.drawText(QRectF(rect.left(), y + 0.8 * row_h, rect.width(), row_h), ALIGN_LEFT, unit_line)
            y += 1.6 * row_h
            painter.setPen(thin)
            painter.setFont(bold)
            for span in grid.header:
                cols = [c for c in shown if span.col <= c < span.col + span.cols]
                if not cols:
                    continue
                box = QRectF(xs[cols[0]], y + span.row * row_h, xs[cols[-1]] + chars[cols[-1]] * scale - xs[cols[0]],
                             span.rows * row_h)
                painter.drawRect(box)
                painter.drawText(box.adjusted(2, 0, -2, 0), ALIGN_CENTER | Qt.TextFlag.TextWordWrap, span.text)
            if grid.lanci is not None:
                for c in shown:
                    box = QRectF(xs[c], y + grid.header_rows * row_h, chars[c] * scale, row_h)
                    painter.drawRect(box)
                    painter.drawText(box, ALIGN_CENTER, grid.lanci[c])
            y += header_rows * row_h
            rows = range(row_page * per_page, min(grid.row_count, (row_page + 1) * per_page))
            for i, r in enumerate(rows):
                top = y + i * row_h
                for c in shown:
                    if (r, c) in covered and c != shown[0]:
                        continue
                    span = spans_by_start.get((r, c))
                    cols = [k for k in shown if c <= k < c + (span.cols if span else 1)]
                    box = QRectF(xs[c], top, xs[cols[-1]] + chars[cols[-1]] * scale - xs[c], row_h)
                    painter.drawRect(box)
                    text, align = _cell_text(session, grid, r, c)
                    bc = grid.at(r, c)
                    painter.setFont(bold if bc.kind in ("total", "heading") or bc.row_key in total_rows else body_font)
                    painter.drawText(box.adjusted(2 * pt, 0, -2 * pt, 0), align, text)
            painter.setFont(body_font)
            if row_page == row_pages - 1 and notes:  # the 注 lines under the table, as printed
                note_y = y + len(rows) * row_h + 0.3 * row_h
                for note in notes:
                    painter.drawText(QRectF(rect.left(), note_y, rect.width(), row_h), ALIGN_LEFT, note)
                    note_y += row_h
            bottom = rect.bottom() - footer_h
            painter.drawText(QRectF(rect.left(), bottom + 0.3 * row_h, rect.width(), row_h), ALIGN_LEFT, footer)
            parts = tr("（第 {part} 部分，共 {chunks_count} 部分）", part=part, chunks_count=len(chunks)) if len(chunks) > 1 else ""
            painter.drawText(QRectF(rect.left(), bottom + row_h, rect.width(), row_h), ALIGN_RIGHT,
                             tr("{label}{parts}　第 {page} 页 共 {pages} 页　打印于 {short_time}", label=table.label, parts=parts, page=page, pages=pages, short_time=short_time(now_iso())))
    return pages


def paint_form(painter: QPainter, session: Session, form_id: int, device: QPagedPaintDevice, new_page: bool) -> int:
    """Paint one 绩效 form (the layout its xlsx export uses) page by page; returns the page count."""
    from .print_forms import form_document

    book = session.forms
    rect = QRectF(painter.viewport())
    doc = form_document(form_layout(book.definition(form_id), book.form(form_id)), device, rect.width())
    pt = device.logicalDpiY() / 72.0
    footer_h = 2 * (BODY_PT + 7) * pt
    page_h = rect.height() - footer_h
    doc.setPageSize(QSizeF(rect.width(), page_h))
    pages = max(1, doc.pageCount())
    footer = footer_text(session, f"jixiao:{form_id}")
    small = QFont(cjk_family() or "")
    small.setPixelSize(int(BODY_PT * pt))
    for n in range(pages):
        if n or new_page:
            device.newPage()
        painter.save()
        painter.translate(rect.left(), rect.top() - n * page_h)
        doc.drawContents(painter, QRectF(0, n * page_h, rect.width(), page_h))
        painter.restore()
        painter.setFont(small)
        bottom = rect.bottom() - footer_h
        painter.drawText(QRectF(rect.left(), bottom + 0.3 * footer_h / 2, rect.width(), footer_h / 2), ALIGN_LEFT, footer)
        painter.drawText(QRectF(rect.left(), bottom + footer_h / 2, rect.width(), footer_h / 2), ALIGN_RIGHT,
                         tr("第 {value} 页 共 {pages} 页　打印于 {short_time}", value=n + 1, pages=pages, short_time=short_time(now_iso())))
    return pages


def render_items(session: Session, keys: list[str], device: QPagedPaintDevice,
                 step: Callable[[], bool] | None = None) -> int:
    """Paint tables and forms (``jixiao:<id>`` keys) one after another; ``step`` after each returns False to stop.
    Returns the number of pages painted."""
    painter = QPainter(device)
    pages = 0
    try:
        for key in keys:
            form_id = int(key.split(":", 1)[1]) if key.startswith("jixiao:") else None
            if form_id is not None:
                pages += paint_form(painter, session, form_id, device, pages > 0)
            else:
                pages += paint_table(painter, session, key, device, pages > 0)
            if step is not None and not step():
                break
        return pages
    finally:
        painter.end()


def render(session: Session, key: str, device: QPagedPaintDevice) -> int:
    """Paint one table or form onto ``device``; returns the page count."""
    return render_items(session, [key], device)


def all_keys(session: Session) -> list[str]:
    """Every table, then every 绩效 form, in the document's order."""
    keys = [t.key for t in session.tset.tables]
    if session.has_forms():
        keys += [f"jixiao:{f.id}" for f in session.forms.forms()]
    return keys


def _title(session: Session, keys: list[str]) -> str:
    if len(keys) > 1:
        return f"{session.doc.meta.get('unit_name', '')} {session.tset.name}"
    return session.review.table_name(keys[0])


def write_pdf(session: Session, key: str | list[str], path: str, step: Callable[[], bool] | None = None) -> int:
    """Write a table, a form, or several (a list of keys) as an A4 landscape PDF; returns the page count."""
    keys = [key] if isinstance(key, str) else list(key)
    writer = QPdfWriter(path)
    writer.setResolution(150)
    writer.setTitle(_title(session, keys))
    writer.setCreator(tr("公开表工作台"))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    return render_items(session, keys, writer, step)


def ask_and_print(parent: QWidget, session: Session, key: str | list[str]) -> str | None:
    """The print dialog (a printer, or 打印到文件 for a PDF); renders the same pages, with progress and 取消."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from .export_all import run_on_gui_with_progress

    keys = [key] if isinstance(key, str) else list(key)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    printer.setDocName(_title(session, keys))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(tr("打印 / 导出 PDF"))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return None
    if len(keys) > 1:
        run_on_gui_with_progress(parent, tr("正在打印…"), len(keys), lambda step: render_items(session, keys, printer, step))
    else:
        render_items(session, keys, printer)
    return printer.outputFileName() or printer.printerName()
