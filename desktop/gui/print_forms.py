"""A 绩效 form's printed layout (:func:`desktop.core.formats.forms_xlsx_export.form_layout`) as a rich-text
document: one HTML table with the form's merges and its 注 lines below, 宋体-like CJK font, 9 pt or more,
paginated by Qt."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from PySide6.QtGui import QFont, QPagedPaintDevice, QTextDocument

from ..core.formats.forms_xlsx_export import FormLayout
from ..core.jixiao.values import plain
from .style import cjk_family

PRINT_PT = 9.5


def form_html(layout: FormLayout) -> str:
    """The layout as an HTML table (the title above it, centred)."""
    by_row: dict[int, list] = {}
    covered: set[tuple[int, int]] = set()
    title = ""
    for cell in layout.cells:
        if cell.row == 1:
            title = str(cell.value or "")
            continue
        by_row.setdefault(cell.row, []).append(cell)
        covered |= {(r, c) for r in range(cell.row, cell.row + cell.rows) for c in range(cell.col, cell.col + cell.cols)}
    widths = layout.widths
    total = sum(widths)
    rows = []
    for r in range(2, layout.last_row + 1):
        cells = []
        for cell in sorted(by_row.get(r, []), key=lambda c: c.col):
            value = cell.value
            text = plain(value) if isinstance(value, Decimal) else ("" if value is None else str(value))
            style = "font-weight:bold;" if cell.bold else ""
            span = (f' rowspan="{cell.rows}"' if cell.rows > 1 else "") + (f' colspan="{cell.cols}"' if cell.cols > 1 else "")
            span += f' width="{sum(widths[cell.col - 1:cell.col - 1 + cell.cols]) * 100 / total:.1f}%"'
            cells.append(f'<td{span} align="{cell.align}" style="{style}">{escape(text).replace(chr(10), "<br>")}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>" if cells else "<tr><td></td></tr>")
    notes = "".join(f"<p>{escape(note)}</p>" for note in layout.notes)  # 注 lines under the form, unboxed
    return (f'<p align="center" style="font-size:16pt;font-weight:bold;">{escape(title)}</p>'
            f'<table width="100%" border="1" cellspacing="0" cellpadding="3" style="border-collapse:collapse;">'
            f"{''.join(rows)}</table>{notes}")


def form_document(layout: FormLayout, device: QPagedPaintDevice, width: float) -> QTextDocument:
    """A QTextDocument laid out for ``device`` (its DPI), ``width`` device pixels wide."""
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)
    font = QFont(cjk_family() or "")
    font.setPointSizeF(PRINT_PT)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setTextWidth(width)
    doc.setHtml(form_html(layout))
    return doc
