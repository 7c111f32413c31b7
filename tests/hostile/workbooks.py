"""Healthy workbooks to start hostile ones from: an exported tables workbook, a 绩效 forms workbook, and a
minimal hand-written .xlsx; each built once per test process (bytes cached) and rewritten member by member."""

from __future__ import annotations

import functools
import io
import json
import tempfile
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
DEMO = PROJECT / "resources" / "demo" / "liulin_2022.json"
XLS = PROJECT / "tests" / "data" / "seed001-part.xls"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@functools.cache
def _scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="gongkai-hostile-"))


@functools.cache
def demo_document() -> Path:
    """The demo dump loaded into a document (outside every kind's folder)."""
    from desktop.core.formats.dump import load_dump

    path = _scratch() / "demo.gkb"
    load_dump(json.loads(DEMO.read_text(encoding="utf-8")), path, who="测试").close()
    return path


@functools.cache
def tables_workbook() -> bytes:
    """The demo document exported in the official layouts (what `gongkai export` writes)."""
    from desktop.core.document import Document
    from desktop.core.formats.xlsx_export import export_document

    target = _scratch() / "tables.xlsx"
    with Document.open(demo_document(), readonly=True) as doc:
        export_document(doc, target)
    return target.read_bytes()


def document_with_forms(path: Path, title: str = "某项目绩效自评表") -> Path:
    """A small document with one 绩效 form (a few fields and indicator rows)."""
    from desktop.core.document import Document
    from desktop.core.jixiao.book import parse_field, parse_indicator
    from desktop.core.jixiao.loader import all_forms
    from desktop.core.jixiao.store import insert_form

    fdef = all_forms()["c_zhongdian_ziping"]
    meta = {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2022", "money_unit": "元"}
    with Document.create(path, meta, who="测试") as doc:
        fields = {"t.xmmc": parse_field(fdef, "t.xmmc", "道路养护"), "t.zgbm": parse_field(fdef, "t.zgbm", "交通局")}
        level2 = fdef.tree[0].children[0].key
        cells = {}
        for col in fdef.columns:
            text = "10" if col.numeric else "完成养护里程"
            value = parse_indicator(fdef, col.key, text)
            if value is not None:
                cells[col.key] = value
        insert_form(doc, fdef.key, title, fields, [(level2, cells)], who="测试")
    return path


@functools.cache
def forms_workbook() -> bytes:
    """A 绩效 forms workbook as `gongkai forms DOC -o` writes it."""
    from desktop.core.formats.forms_xlsx_export import export_forms
    from desktop.core.session import Session

    doc = document_with_forms(_scratch() / "forms.gkb")
    target = _scratch() / "forms.xlsx"
    session = Session.open(doc, readonly=True)
    try:
        export_forms(session.forms, target)
    finally:
        session.close()
    return target.read_bytes()


def rewrite(data: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None,
            level: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The zip ``data`` with members replaced (None: removed) or added, in the original order."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", level) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])  # type: ignore[arg-type]
            else:
                dst.writestr(info.filename, src.read(info.filename))
        for name, body in add.items():
            dst.writestr(name, body)
    return out.getvalue()


def member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def minimal_xlsx(sheets: list[str], shared: list[str] | None = None) -> bytes:
    """A bare .xlsx: one ``<sheetData>`` body per sheet, optional shared strings; no styles."""
    names = "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, len(sheets) + 1))
    rels = "".join(f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                   for n in range(1, len(sheets) + 1))
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-'
                        'officedocument.spreadsheetml.worksheet+xml"/>' for n in range(1, len(sheets) + 1))
    if shared:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                      'officedocument.spreadsheetml.sharedStrings+xml"/>')
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f"<sheets>{names}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships">{rels}'
        + (f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>' if shared else "")
        + "</Relationships>",
    }
    for n, body in enumerate(sheets, 1):
        files[f"xl/worksheets/sheet{n}.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
                                                f"<sheetData>{body}</sheetData></worksheet>")
    if shared:
        items = "".join(f"<si><t>{s}</t></si>" for s in shared)
        files["xl/sharedStrings.xml"] = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}">{items}</sst>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return out.getvalue()
