"""Text a person reads goes through the one translation function, and the standard tool extracts all of it.

In the converted modules every Chinese string literal (docstrings aside) is the literal argument of ``tr()``
or ``N_()``, never an f-string (a template with its fields named is what a translator can work with), and the
fields a message names are the fields the call passes. The few Chinese literals that are data, not text, are
listed in ALLOWED with the reason. The extraction command of the README lists every one of those messages.
"""

from __future__ import annotations

import ast
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # punctuation alone (、：) is not a message

# The modules whose text goes through tr(): a module listed here may not gain a bare Chinese literal.
CONVERTED = ("desktop/gui", "desktop/cli.py", "desktop/argparse_zh.py", "desktop/commands", "desktop/selftest.py",
             "desktop/core/i18n.py",
             # desktop/core: the modules whose messages are converted so far
             "desktop/core/codes.py", "desktop/core/crashlog.py", "desktop/core/definitions/compile_set.py",
             "desktop/core/definitions/compose.py",
             "desktop/core/definitions/errors.py", "desktop/core/definitions/loader.py",
             "desktop/core/definitions/table_patch.py", "desktop/core/definitions/yaml_source.py",
             "desktop/core/diff.py", "desktop/core/document", "desktop/core/explain.py", "desktop/core/formats/dump.py",
             "desktop/core/formats/formulas.py", "desktop/core/formats/forms_reader.py",
             "desktop/core/formats/forms_xlsx.py", "desktop/core/formats/forms_xlsx_export.py",
             "desktop/core/formats/json_input.py",
             "desktop/core/formats/listed_rows.py", "desktop/core/formats/published.py",
             "desktop/core/formats/safe_file.py", "desktop/core/formats/sheet_html.py",
             "desktop/core/formats/sheet_result.py", "desktop/core/formats/sheet_spreadsheetml.py",
             "desktop/core/formats/sheet_table.py", "desktop/core/formats/workbook_reader.py",
             "desktop/core/formats/xlsx_export.py", "desktop/core/formats/xlsx_import.py", "desktop/core/grid.py",
             "desktop/core/history.py",
             "desktop/core/huizong/batch.py",
             "desktop/core/huizong/build.py", "desktop/core/huizong/moves.py",
             "desktop/core/huizong/provenance.py", "desktop/core/huizong/sources.py",
             "desktop/core/huizong/trace.py", "desktop/core/jixiao/book.py",
             "desktop/core/jixiao/definition.py", "desktop/core/jixiao/dumpio.py",
             "desktop/core/jixiao/loader.py", "desktop/core/jixiao/ruleset.py", "desktop/core/jixiao/sheet.py",
             "desktop/core/money.py", "desktop/core/narrative/check.py", "desktop/core/narrative/intake.py",
             "desktop/core/narrative/prior.py", "desktop/core/narrative/prior_check.py",
             "desktop/core/narrative/ratios.py", "desktop/core/narrative/spec.py", "desktop/core/report.py",
             "desktop/core/review/book.py", "desktop/core/review/comments.py",
             "desktop/core/review/compare.py", "desktop/core/review/dumpio.py",
             "desktop/core/review/duties.py", "desktop/core/review/keys.py", "desktop/core/review/signing.py",
             "desktop/core/review/states.py", "desktop/core/rules/compile.py",
             "desktop/core/rules/describe.py", "desktop/core/rules/engine.py", "desktop/core/rules/expr.py",
             "desktop/core/rules/findings.py", "desktop/core/rules/index.py",
             "desktop/core/rules/kinds/numbers.py", "desktop/core/rules/validate.py",
             "desktop/core/session.py", "desktop/core/step_labels.py")

# (file, literal) → why it is not text to translate
ALLOWED = {
    ("desktop/gui/style.py", "微软雅黑"): "a font family name that Qt looks up on Windows",
    ("desktop/gui/style.py", "宋体"): "a font family name that Qt looks up on Windows",
    ("desktop/gui/open_mode.py", "示例"): "the author the core writes into the demo document; compared, not shown",
    ("desktop/gui/batch_view.py", "有错误"): "a verdict value of the core's batch report, the key of its colour",
    ("desktop/gui/batch_view.py", "有提示"): "a verdict value of the core's batch report, the key of its colour",
    ("desktop/gui/batch_view.py", "无法打开"): "a verdict value of the core's batch report, the key of its colour",
    ("desktop/gui/batch_view.py", "未审核"): "a verdict value of the core's batch report, the key of its colour",
    ("desktop/gui/clerk_actions.py", "表"): "stripped from a set's table label (公开03表) to match what was typed",
    ("desktop/gui/grid_view.py", "不能"): "looked for in a cell's tooltip; any other wording gets the generic reason",
    ("desktop/gui/jixiao_view.py", "元"): "the money unit as a form definition writes it",
    ("desktop/gui/dialogs.py", "元"): "the money unit stored in a new document (shown through tr())",
    ("desktop/gui/dialogs.py", "万元"): "the money unit stored in a new document (shown through tr())",
    ("desktop/gui/main_window.py", "用户手册.md"): "the file name of the shipped manual under resources/docs",
    ("desktop/core/review/book.py", "提交人撤回提交"): "stored in the document as the reason of the state change",
    ("desktop/core/narrative/check.py", "^(?:本部门|本单位)"): "a pattern matched against the 情况说明's own words",
    ("desktop/core/grid.py", "栏次"): "a word of the printed official form (export and import match it)",
    ("desktop/core/formats/listed_rows.py", "总计"): "the level name a printed total row is read as",
    ("desktop/core/jixiao/book.py", "元"): "a money unit as stored in the document",
    ("desktop/core/jixiao/book.py", "万元"): "a money unit as stored in the document",
    ("desktop/core/session.py", "万元"): "a money unit as stored in the document",
    ("desktop/core/narrative/check.py", "万元"): "a money unit as stored in the document",
    ("desktop/core/narrative/prior_check.py", "万元"): "a money unit as stored in the document",
    ("desktop/core/narrative/prior.py", "元"): "a money unit as stored in the document",
    ("desktop/core/narrative/prior.py", "万元"): "a money unit as stored in the document",
    ("desktop/core/formats/xlsx_import.py", "表"): "a word of the printed table titles the reader matches",
    ("desktop/core/narrative/spec.py", "决算"): "a set kind as the definitions write it",
    ("desktop/core/huizong/sources.py", "中断"): "looked for in the document's read-only reason (document/ not translated)",
    ("desktop/core/rules/compile.py", "类"): "a level name as the definitions write it (a key)",
    ("desktop/core/rules/compile.py", "款"): "a level name as the definitions write it (a key)",
}
ALLOWED.update({
    ("desktop/core/document/validate.py", "元"): "a money unit as stored in the document (the default of the meta)",
    ("desktop/core/document/validate.py", "万元"): "a money unit as stored in the document",
    ("desktop/core/document/store.py", "元"): "a money unit as stored in the document (the default of the meta)",
})
# Printed words of the workbooks (written and matched back) and the patterns that read them
ALLOWED.update({('desktop/core/formats/forms_reader.py', text):
                'a word or pattern of the printed 绩效 form the reader matches' for text in (
    '^(?P<label>.*?)[(（](?P<w>\\d+(?:\\.\\d+)?)分?[)）]$',
    '^[（(]\\s*\\d{4}\\s*[)）]?\\s*年度?\\s*[)）]?$|^\\d{4}\\s*年度$',
    '^(附件|附表)\\s*[0-9０-９\\-－—.．]*\\s*[：:、]?\\s*',
    '自评等级',
    '总分',
    '一级指标',
    '二级指标',
    '年度',
)})
ALLOWED.update({('desktop/core/formats/forms_xlsx_export.py', text):
                'a word printed on the exported 绩效 form (the reader matches it back)' for text in (
    '第 &P 页，共 &N 页',
    '绩效表',
    '项目',
    '一级指标',
    '二级指标',
    '总分',
    '自评等级',
)})
ALLOWED.update({('desktop/core/formats/xlsx_export.py', text):
                'a word printed in the exported workbook (font, author, footer, the 审核情况 sheet) or a pattern of printed total rows' for text in (
    '宋体',
    '公开表工作台',
    '审核情况',
    '^(合计|总计)|(合计|总计)$',
    '第 &P 页，共 &N 页',
    '表',
    '审核状态',
    '审核人',
    '时间',
    '退回原因',
    '批注',
    '出错说明',
)})
ALLOWED.update({('desktop/core/formats/published.py', text):
                'a key or word of the published-figures JSON or of the printed tables it transcribes' for text in (
    '^[（(]?[一二三四五六七八九十百零〇]+[)）、.．]|^\\d+[.．、]|^[（(]\\d+[)）]',
    '科目编码',
    '科目代码',
    '功能分类科目编码',
    '收入科目编码',
    '科目名称',
    '元',
    '万元',
    '类',
    '款',
    '项',
    '收入',
    '支出',
    '栏次',
    '合计',
    '行次',
    '表',
)})
ALLOWED.update({('desktop/core/formats/sheet_table.py', text):
                'a word of the printed tables the reader matches (a note, a 续 line, a code column)' for text in (
    '注',
    '说明',
    '备注',
    '科目编码',
    '续',
    '类',
)})
# The verdict of a file in a batch: a key the batch report, its JSON and the window colour by
ALLOWED.update({("desktop/core/huizong/batch.py", text): "a batch verdict (data: compared and written to JSON)"
                for text in ("未审核", "无法打开", "有错误", "有提示", "通过")})
# The translation machinery's own warnings: said when no catalogue can be used, so always in the source text
ALLOWED.update({("desktop/core/i18n.py", text): "i18n's own fallback warning" for text in (
    "界面语言“%s”不是语言代码（例如 zh_TW），界面保持简体中文。", "没有界面语言“%s”的译文目录（%s），界面保持简体中文。",
    "界面语言“%s”的译文目录无法读取（%s），界面保持简体中文。", "译文的占位符与原文不符，改用原文：%s")})
MARKERS = {"tr", "N_"}


def _python_files() -> list[Path]:
    files: list[Path] = []
    for entry in CONVERTED:
        path = PROJECT / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _marker_call(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
        return node.func.id
    return None


def problems_in(source: str, name: str, allowed: dict[tuple[str, str], str] | None = None) -> list[str]:
    """What in ``source`` bypasses the translation function (empty: nothing)."""
    allowed = ALLOWED if allowed is None else allowed
    tree = ast.parse(source)
    docs = _docstrings(tree)
    wrapped: set[int] = set()
    found: list[str] = []
    for node in ast.walk(tree):
        marker = _marker_call(node)
        if marker is None:
            continue
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            wrapped.add(id(first))
            if marker == "tr":
                found += _field_problems(first.value, node, name)
        elif isinstance(first, ast.JoinedStr | ast.BinOp):
            found.append(f"{name}:{node.lineno}: {marker}() of a built string: give it a literal with named fields")
    in_fstring = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for fstring in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
        for node in ast.walk(fstring):
            if _marker_call(node) and node.args and isinstance(node.args[0], ast.Constant):
                found.append(f"{name}:{node.lineno}: tr() of a literal inside an f-string: extractors do not see it")
    for outer in (n for n in ast.walk(tree) if _marker_call(n)):
        for arg in [*outer.args[1:], *(k.value for k in outer.keywords)]:
            for node in ast.walk(arg):
                if isinstance(node, ast.Call) and not _marker_call(node) and any(
                        _marker_call(inner) and inner.args and isinstance(inner.args[0], ast.Constant)
                        for inner in ast.walk(node)):
                    found.append(f"{name}:{node.lineno}: tr() of a literal inside a call in tr()'s fields: "
                                 "Babel does not see it; give it a name first")
                    break
    for node in ast.walk(tree):
        if id(node) in docs or id(node) in wrapped or id(node) in in_fstring:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and HAN.search(node.value):
            if (name, node.value) not in allowed:
                found.append(f"{name}:{node.lineno}: Chinese text not through tr(): {node.value[:40]!r}")
        elif isinstance(node, ast.JoinedStr) and any(
                isinstance(v, ast.Constant) and HAN.search(v.value) for v in node.values):
            found.append(f"{name}:{node.lineno}: Chinese f-string: use tr() with named fields")
    return found


def _field_problems(message: str, call: ast.Call, name: str) -> list[str]:
    given = {k.arg for k in call.keywords}
    if None in given or not given:  # **fields, or no fields (the message is shown as written)
        return []
    try:
        named = {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(message) if f is not None}
    except ValueError as exc:
        return [f"{name}:{call.lineno}: placeholders do not parse ({exc}): {message[:40]!r}"]
    if named != given:
        return [f"{name}:{call.lineno}: message names {sorted(named)}, the call gives {sorted(given)}"]
    return []


def messages_in_code() -> set[str]:
    """Every literal handed to tr() or N_() in the converted modules."""
    messages: set[str] = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if _marker_call(node) and node.args and isinstance(node.args[0], ast.Constant):
                messages.add(node.args[0].value)
    return messages


def test_no_chinese_text_bypasses_the_translation_function():
    found: list[str] = []
    for path in _python_files():
        found += problems_in(path.read_text(encoding="utf-8"), path.relative_to(PROJECT).as_posix())
    assert found == []


def test_every_converted_module_exists():
    """A module that moved or went away must leave the list, or its new place would escape the check."""
    assert [entry for entry in CONVERTED if not (PROJECT / entry).exists()] == []


def test_every_allowed_literal_is_still_there():
    """An entry left behind after its literal went away would allow the same text somewhere new."""
    present = set()
    for path in _python_files():
        rel = path.relative_to(PROJECT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and (rel, node.value) in ALLOWED:
                present.add((rel, node.value))
    assert set(ALLOWED) - present == set()


@pytest.mark.parametrize(("snippet", "wanted"), [
    ('label = "文件"', "not through tr()"),
    ('x = f"已导入 {n} 张表"', "Chinese f-string"),
    ('x = tr(f"已导入 {n} 张表")', "built string"),
    ('x = tr("已导入 " + str(n))', "built string"),
    ('x = tr("已导入 {count} 张表", n=3)', "the call gives ['n']"),
    ('x = tr("已导入 {count} 张表", count=3, extra=1)', "the call gives ['count', 'extra']"),
    ('x = {"k": "文件"}', "not through tr()"),
    ("x = f\"{a or tr('无')}\"", "inside an f-string"),
    ('x = tr("{u}", u=meta.get("u", tr("无")))', "Babel does not see it"),
])
def test_the_check_finds_text_that_bypasses_the_function(snippet, wanted):
    assert any(wanted in p for p in problems_in(snippet, "x.py", allowed={}))


@pytest.mark.parametrize("snippet", [
    '"""模块说明。"""\nx = tr("文件")',
    'def f():\n    """说明。"""\n    return tr("已导入 {count} 张表", count=3)',
    'NAMES = (N_("表"), N_("行"))',
    'x = tr("内容（{…}）")',
    'x = "、".join(names)',
    'x = tr("{a}：{b!r:>3}", a=1, b=2)',
    'x = f"{mode} — {tr(APP_NAME)}"',
    'x = tr("{u}", u=name or tr("无"))',
])
def test_the_check_passes_text_that_goes_through_the_function(snippet):
    assert problems_in(snippet, "x.py", allowed={}) == []


def test_the_extraction_command_lists_every_message(tmp_path):
    """The README's command: ``pybabel extract -F babel.cfg --no-default-keywords -k tr -k N_ -o gongkai.pot .``"""
    from babel.messages.pofile import read_po

    pot = tmp_path / "gongkai.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
               "--no-default-keywords", "-k", "tr", "-k", "N_", "-o", str(pot), "."]
    result = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    with pot.open("rb") as handle:
        template = read_po(handle)
    extracted = {m.id for m in template if m.id}
    assert {"文件(&F)", "公开表工作台", "没有名为 {set} 的模板。可用模板：{sets}（见 gongkai sets）",
            "缺少必需的参数：{names}"} <= extracted
    in_code = messages_in_code()
    assert len(in_code) > 600
    assert in_code - extracted == set()
