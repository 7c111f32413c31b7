"""文件 → 导出 Excel / 导入 Excel: the core export/import with a file dialog, a progress note and a report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

from ..core.crashlog import internal_error_message
from ..core.document import DocumentError
from ..core.formats.dump import DumpError
from ..core.formats.workbook_reader import WorkbookError
from ..core.formats.xlsx_export import export_document
from ..core.formats.xlsx_import import import_workbook
from ..core.i18n import tr
from ..core.session import Session
from .app_name import APP_NAME

MAX_LISTED = 30


def _busy(parent: QWidget, text: str) -> QProgressDialog:
    """A modal progress note (the work runs on this thread; a document's connection stays on it)."""
    dialog = QProgressDialog(text, "", 0, 0, parent)
    dialog.setWindowTitle(tr(APP_NAME))
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.show()
    QApplication.processEvents()
    return dialog


def default_export_path(session: Session) -> Path:
    meta = session.doc.meta
    unit = meta.get("unit_name", tr("公开表"))
    return session.doc.path.with_name(tr("{unit}-{year}-公开表.xlsx", unit=unit, year=meta.get("year", "")))


def export_excel(parent: QWidget, session: Session, target: Path | None = None) -> Path | None:
    """Ask where (unless ``target`` is given), export every table, say where it went."""
    if target is None:
        chosen, _ = QFileDialog.getSaveFileName(parent, tr("导出 Excel"), str(default_export_path(session)),
                                                tr("Excel 工作簿 (*.xlsx)"))
        if not chosen:
            return None
        target = Path(chosen if chosen.lower().endswith(".xlsx") else chosen + ".xlsx")
    busy = _busy(parent, tr("正在导出 Excel…"))
    try:
        sheets = export_document(session.doc, target)
    except (OSError, DocumentError, ValueError) as exc:
        busy.close()
        QMessageBox.warning(parent, tr(APP_NAME), tr("导出失败，原有文件未改动：{exc}", exc=exc))
        return None
    busy.close()
    QMessageBox.information(parent, tr(APP_NAME), tr("已导出 {sheets_count} 张表到\n{target}", sheets_count=len(sheets), target=target))
    return target


def _listed(lines: list[str], heading: str, items: list) -> None:
    if not items:
        return
    lines.append(tr("{heading} {items_count} 个：", heading=heading, items_count=len(items)))
    lines += [f"  {item}" for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        lines.append(tr("  …… 另有 {value} 个", value=len(items) - MAX_LISTED))


def import_report(conversion) -> str:  # noqa: ANN001 - published.Conversion
    """What the import chose and read, and everything it did not place or read, with the reason, in Chinese."""
    forms = getattr(conversion, "forms", None)
    read = forms.forms if forms is not None else []
    lines = [conversion.set_reason, tr("识别出 {matched_count} 张表", matched_count=len(conversion.matched)) + (tr("、{read_count} 张绩效表。", read_count=len(read)) if read else "。")]
    if read:
        lines.append(tr("绩效表：") + "；".join(title for _, title, _, _ in read[:MAX_LISTED]))
    if conversion.unmatched_tables:
        lines.append(tr("未能识别的表或工作表：") + "、".join(conversion.unmatched_tables))
    _listed(lines, tr("未能放入的单元格"), conversion.unplaced)
    if not conversion.unplaced:
        lines.append(tr("每个数字都已放入对应的单元格。"))
    _listed(lines, tr("公式单元格（已读取其数值，请核对）"), list(getattr(conversion, "formulas", [])))
    _listed(lines, tr("隐藏的行、列或工作表（未读入）"), list(getattr(conversion, "skipped", [])))
    _listed(lines, tr("接续到前表的续表"), list(getattr(conversion, "continued", [])))
    _listed(lines, tr("绩效表中未能读入的内容"), list(forms.unplaced) if forms is not None else [])
    return "\n".join(lines)


def import_excel(parent: QWidget | None, who: str, source: Path | None = None,
                 target: Path | None = None) -> Path | None:
    """Create a new document from an official-layout workbook; returns its path (None if refused)."""
    if source is None:
        chosen, _ = QFileDialog.getOpenFileName(parent, tr("导入 Excel"), "", tr("Excel 工作簿 (*.xlsx *.xlsm *.xls *.xml *.htm *.html)"))
        if not chosen:
            return None
        source = Path(chosen)
    if target is None:
        chosen, _ = QFileDialog.getSaveFileName(parent, tr("导入后的文档保存为"), str(source.with_suffix(".gkb")),
                                                tr("公开表文档 (*.gkb)"))
        if not chosen:
            return None
        target = Path(chosen if chosen.endswith(".gkb") else chosen + ".gkb")
    busy = _busy(parent, tr("正在导入 {name}…", name=source.name))
    existed = target.exists()
    try:
        doc, conversion = import_workbook(source, target, who=who)
        doc.close()
    except (WorkbookError, DumpError, DocumentError, OSError) as exc:
        busy.close()
        QMessageBox.warning(parent, tr(APP_NAME), tr("未能导入“{name}”，没有创建文档：{exc}", name=source.name, exc=exc))
        return None
    except Exception as exc:  # noqa: BLE001 - any workbook must give a dialog, never a crash
        busy.close()
        if not existed:
            target.unlink(missing_ok=True)  # no partial output
        QMessageBox.critical(parent, tr(APP_NAME), tr("未能导入“{name}”，没有创建文档。{details}", name=source.name, details=internal_error_message(exc)))
        return None
    busy.close()
    box = QMessageBox(QMessageBox.Icon.Information, tr(APP_NAME), tr("已由“{name}”创建文档：\n{target}", name=source.name, target=target),
                      QMessageBox.StandardButton.Ok, parent)
    box.setDetailedText(import_report(conversion))
    forms = conversion.forms.forms if conversion.forms is not None else []
    shown = conversion.set_reason + (tr("；绩效表 {forms_count} 张", forms_count=len(forms)) if forms else "")
    shown += (tr("；{unplaced_count} 个单元格未能放入，见详细信息", unplaced_count=len(conversion.unplaced)) if conversion.unplaced else tr("；所有数字均已放入"))
    if conversion.skipped:
        shown += tr("；{skipped_count} 处隐藏内容未读入", skipped_count=len(conversion.skipped))
    if conversion.formulas:
        shown += tr("；{formulas_count} 个公式单元格请核对，见详细信息", formulas_count=len(conversion.formulas))
    box.setInformativeText(shown)
    box.exec()
    return target
