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
from ..core.session import Session
from .dialogs import APP_NAME

MAX_LISTED = 30


def _busy(parent: QWidget, text: str) -> QProgressDialog:
    """A modal progress note (the work runs on this thread; a document's connection stays on it)."""
    dialog = QProgressDialog(text, "", 0, 0, parent)
    dialog.setWindowTitle(APP_NAME)
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.show()
    QApplication.processEvents()
    return dialog


def default_export_path(session: Session) -> Path:
    meta = session.doc.meta
    return session.doc.path.with_name(f"{meta.get('unit_name', '公开表')}-{meta.get('year', '')}-公开表.xlsx")


def export_excel(parent: QWidget, session: Session, target: Path | None = None) -> Path | None:
    """Ask where (unless ``target`` is given), export every table, say where it went."""
    if target is None:
        chosen, _ = QFileDialog.getSaveFileName(parent, "导出 Excel", str(default_export_path(session)),
                                                "Excel 工作簿 (*.xlsx)")
        if not chosen:
            return None
        target = Path(chosen if chosen.lower().endswith(".xlsx") else chosen + ".xlsx")
    busy = _busy(parent, "正在导出 Excel…")
    try:
        sheets = export_document(session.doc, target)
    except (OSError, DocumentError, ValueError) as exc:
        busy.close()
        QMessageBox.warning(parent, APP_NAME, f"导出失败，原有文件未改动：{exc}")
        return None
    busy.close()
    QMessageBox.information(parent, APP_NAME, f"已导出 {len(sheets)} 张表到\n{target}")
    return target


def _listed(lines: list[str], heading: str, items: list) -> None:
    if not items:
        return
    lines.append(f"{heading} {len(items)} 个：")
    lines += [f"  {item}" for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        lines.append(f"  …… 另有 {len(items) - MAX_LISTED} 个")


def import_report(conversion) -> str:  # noqa: ANN001 - published.Conversion
    """What the import chose and read, and everything it did not place or read, with the reason, in Chinese."""
    forms = getattr(conversion, "forms", None)
    read = forms.forms if forms is not None else []
    lines = [conversion.set_reason, f"识别出 {len(conversion.matched)} 张表" + (f"、{len(read)} 张绩效表。" if read else "。")]
    if read:
        lines.append("绩效表：" + "；".join(title for _, title, _, _ in read[:MAX_LISTED]))
    if conversion.unmatched_tables:
        lines.append("未能识别的表或工作表：" + "、".join(conversion.unmatched_tables))
    _listed(lines, "未能放入的单元格", conversion.unplaced)
    if not conversion.unplaced:
        lines.append("每个数字都已放入对应的单元格。")
    _listed(lines, "公式单元格（已读取其数值，请核对）", list(getattr(conversion, "formulas", [])))
    _listed(lines, "隐藏的行、列或工作表（未读入）", list(getattr(conversion, "skipped", [])))
    _listed(lines, "接续到前表的续表", list(getattr(conversion, "continued", [])))
    _listed(lines, "绩效表中未能读入的内容", list(forms.unplaced) if forms is not None else [])
    return "\n".join(lines)


def import_excel(parent: QWidget | None, who: str, source: Path | None = None,
                 target: Path | None = None) -> Path | None:
    """Create a new document from an official-layout workbook; returns its path (None if refused)."""
    if source is None:
        chosen, _ = QFileDialog.getOpenFileName(parent, "导入 Excel", "", "Excel 工作簿 (*.xlsx *.xlsm *.xls *.xml *.htm *.html)")
        if not chosen:
            return None
        source = Path(chosen)
    if target is None:
        chosen, _ = QFileDialog.getSaveFileName(parent, "导入后的文档保存为", str(source.with_suffix(".gkb")),
                                                "公开表文档 (*.gkb)")
        if not chosen:
            return None
        target = Path(chosen if chosen.endswith(".gkb") else chosen + ".gkb")
    busy = _busy(parent, f"正在导入 {source.name}…")
    existed = target.exists()
    try:
        doc, conversion = import_workbook(source, target, who=who)
        doc.close()
    except (WorkbookError, DumpError, DocumentError, OSError) as exc:
        busy.close()
        QMessageBox.warning(parent, APP_NAME, f"未能导入“{source.name}”，没有创建文档：{exc}")
        return None
    except Exception as exc:  # noqa: BLE001 - any workbook must give a dialog, never a crash
        busy.close()
        if not existed:
            target.unlink(missing_ok=True)  # no partial output
        QMessageBox.critical(parent, APP_NAME, f"未能导入“{source.name}”，没有创建文档。{internal_error_message(exc)}")
        return None
    busy.close()
    box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, f"已由“{source.name}”创建文档：\n{target}",
                      QMessageBox.StandardButton.Ok, parent)
    box.setDetailedText(import_report(conversion))
    forms = conversion.forms.forms if conversion.forms is not None else []
    shown = conversion.set_reason + (f"；绩效表 {len(forms)} 张" if forms else "")
    shown += (f"；{len(conversion.unplaced)} 个单元格未能放入，见详细信息" if conversion.unplaced else "；所有数字均已放入")
    if conversion.skipped:
        shown += f"；{len(conversion.skipped)} 处隐藏内容未读入"
    if conversion.formulas:
        shown += f"；{len(conversion.formulas)} 个公式单元格请核对，见详细信息"
    box.setInformativeText(shown)
    box.exec()
    return target
