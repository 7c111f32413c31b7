"""The batch report as an .xlsx workbook or an .html page, written atomically (temp file + rename).

Everything in it came from received files (unit names, file names, messages naming their rows), so the
HTML escapes every character that means something to a browser, and the workbook stores every text as
text (a unit name starting with ``=`` is never a formula).
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..document.store import now_iso
from .batch import FileRow, totals
from .errors import HuizongError

COLUMNS = ("文件", "单位名称", "表套", "年度", "金额单位", "结论", "错误", "提示", "尾数误差", "审核状态", "封签", "说明")


def report_cells(r: FileRow) -> tuple[str | int, ...]:
    set_text = r.set_name + (f"（汇总 {r.huizong_units} 个单位）" if r.huizong_units else "")
    ok = r.status == "ok"
    return (r.name, r.unit_name, set_text, r.year, r.money_unit, r.verdict, r.errors if ok else "",
            r.warnings if ok else "", r.rounding if ok else "", r.review, r.seal, r.reason)


def summary_line(rows: list[FileRow]) -> str:
    t = totals(rows)
    return (f"共 {t['files']} 个文件：审核 {t['checked']} 个（有错误 {t['with_errors']}，只有提示 {t['warnings_only']}，"
            f"通过 {t['passed']}），无法打开 {t['bad']} 个，未审核（非 .gkb）{t['skipped']} 个。")


@contextmanager
def _atomic(target: Path) -> Iterator[Path]:
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise HuizongError(f"文件夹“{folder}”不存在，未写报告。")
    if target.exists() and not target.is_file():
        raise HuizongError(f"“{target}”不是普通文件，未写报告。请换一个报告文件名。")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".gongkai-report-", suffix=target.suffix, dir=folder)
    except OSError as exc:
        raise HuizongError(f"无法在“{folder}”写入报告（{exc.strerror or exc}）。请检查权限或换一个位置。") from exc
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with tmp_path.open("rb+") as fh:
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, target)
    except OSError as exc:
        raise HuizongError(f"无法写入报告“{target.name}”（{exc.strerror or exc}），未生成报告。") from exc
    finally:
        tmp_path.unlink(missing_ok=True)


def write_html(rows: list[FileRow], target: Path, folder: str) -> None:
    e = lambda v: html.escape(str(v), quote=True)  # noqa: E731
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>批量审核报告 {e(Path(folder).name)}</title>",
           "<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #bbb;"
           "padding:3px 6px;vertical-align:top}th{background:#eee}.bad{background:#fde2e1}.err{color:#b00020}"
           ".warn{color:#8a5a00}.ok{color:#1e5631}</style></head><body>",
           f"<h1>批量审核报告</h1><p>文件夹：{e(folder)}<br>生成时间：{e(now_iso())}<br>{e(summary_line(rows))}</p>",
           "<table><thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in COLUMNS) + "</tr></thead><tbody>"]
    for r in rows:
        klass = {"有错误": "err", "有提示": "warn", "通过": "ok"}.get(r.verdict, "bad")
        cells = "".join(f"<td>{e(v)}</td>" for v in report_cells(r))
        out.append(f'<tr class="{klass}">{cells}</tr>')
        if r.details:
            items = "".join(f"<li>{e(d)}</li>" for d in r.details)
            more = f"<li>……另有 {r.more_details} 条（含尾数误差），请单独打开该文件查看</li>" if r.more_details else ""
            out.append(f'<tr><td colspan="{len(COLUMNS)}"><details><summary>{e(r.name)} 的审核结果</summary>'
                       f"<ul>{items}{more}</ul></details></td></tr>")
    out.append("</tbody></table></body></html>")
    with _atomic(target) as tmp:
        tmp.write_text("\n".join(out), encoding="utf-8")


def write_xlsx(rows: list[FileRow], target: Path, folder: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)

    def line(ws, values: tuple[str | int, ...]) -> None:  # noqa: ANN001 - a write-only worksheet
        cells = []
        for v in values:
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str):
                cell.data_type = "s"  # text from a file is never a formula
            cells.append(cell)
        ws.append(cells)

    ws = wb.create_sheet("批量审核")
    line(ws, ("批量审核报告", folder, now_iso()))
    line(ws, (summary_line(rows),))
    line(ws, COLUMNS)
    for r in rows:
        line(ws, report_cells(r))
    detail = wb.create_sheet("审核结果明细")
    line(detail, ("文件", "单位名称", "审核结果"))
    for r in rows:
        for d in r.details:
            line(detail, (r.name, r.unit_name, d))
        if r.more_details:
            line(detail, (r.name, r.unit_name, f"……另有 {r.more_details} 条（含尾数误差），请单独打开该文件查看"))
    with _atomic(target) as tmp:
        wb.save(tmp)


def write_report(rows: list[FileRow], target: Path, folder: str) -> None:
    """Write the report; the kind follows the suffix (.xlsx, .html or .htm)."""
    suffix = Path(target).suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(rows, Path(target), folder)
    elif suffix in (".html", ".htm"):
        write_html(rows, Path(target), folder)
    else:
        raise HuizongError(f"报告文件应以 .xlsx 或 .html 结尾（收到“{Path(target).name}”）。")
