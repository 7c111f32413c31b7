"""The one translation function: the Chinese source by default, a catalogue when one is selected, Chinese again
when the catalogue is missing or broken; menus, dialogs and command-line errors really follow it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from desktop.core import i18n
from desktop.core.i18n import tr

PROJECT = Path(__file__).resolve().parents[1]

# A tiny 繁體 catalogue, written by the test: a menu, a dialog message, a message with a placeholder, CLI errors
TRADITIONAL = {
    "文件(&F)": "檔案(&F)",
    "编辑(&E)": "編輯(&E)",
    "请先选中要删除的科目行（合计行不能删除）。": "請先選取要刪除的科目列（合計列不能刪除）。",
    "删除科目 {code} 及其下级科目行？（可以撤销）": "刪除科目 {code} 及其下級科目列？（可以復原）",
    "没有名为 {set} 的模板。可用模板：{sets}（见 gongkai sets）": "沒有名為 {set} 的範本。可用範本：{sets}（見 gongkai sets）",
    "错误：{message}": "錯誤：{message}",
    "已导入 {count} 张表": "已匯入 {count} 張表",
    "导入了 {count} 行": "匯入了 {cnt} 列",  # a translator's slip: the placeholder does not match the source
}


def write_catalogue(folder: Path, language: str, messages: dict[str, str]) -> Path:
    """``folder/<language>/LC_MESSAGES/gongkai.mo`` holding ``messages`` (what `pybabel compile` would write)."""
    catalogue = Catalog(locale=None, domain=i18n.DOMAIN, charset="utf-8")
    for source, translated in messages.items():
        catalogue.add(source, translated)
    path = folder / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_mo(handle, catalogue)
    return path


@pytest.fixture
def language(monkeypatch):
    """Select a catalogue for one test; the Chinese source text again afterwards."""
    monkeypatch.delenv(i18n.LANGUAGE_ENV, raising=False)
    yield i18n.select
    i18n.select(i18n.SOURCE_LANGUAGE)


@pytest.fixture
def traditional(tmp_path, language):
    write_catalogue(tmp_path / "i18n", "zh_TW", TRADITIONAL)
    assert language("zh_TW", folder=tmp_path / "i18n") == "zh_TW"
    return tmp_path


# -- the function ------------------------------------------------------------------------------------------
def test_the_source_text_is_returned_exactly_with_its_placeholders_filled(language):
    assert language() == "zh_CN"
    assert tr("已导入 {count} 张表", count=3) == "已导入 3 张表"
    assert tr("合计 {amount:,} 元，{name!r}", amount=1234567, name="甲") == "合计 1,234,567 元，'甲'"
    assert tr("内容不是一个对象（{…}）") == "内容不是一个对象（{…}）"  # no fields: braces are plain text
    assert tr("“{name}”不是对象（{{…}}）", name="a.json") == "“a.json”不是对象（{…}）"


def test_a_catalogue_translates_and_fills_named_placeholders(traditional):
    assert i18n.active_language() == "zh_TW"
    assert tr("已导入 {count} 张表", count=3) == "已匯入 3 張表"
    assert tr("没有翻译的句子") == "没有翻译的句子"  # a message the catalogue lacks stays Chinese


def test_a_translation_whose_placeholders_do_not_match_falls_back_to_the_source(traditional):
    assert tr("导入了 {count} 行", count=7) == "导入了 7 行"


def test_the_pseudo_language_brackets_every_message_and_keeps_placeholders(language):
    assert language("pseudo") == "pseudo"
    assert tr("已导入 {count} 张表", count=3) == "⟦已导入 3 张表⟧"


@pytest.mark.parametrize("name", ["xx_YY", "../../etc", "zh_TW"])
def test_a_missing_or_invalid_catalogue_falls_back_to_chinese(tmp_path, language, name, caplog):
    assert language(name, folder=tmp_path) == "zh_CN"
    assert tr("已导入 {count} 张表", count=2) == "已导入 2 张表"
    assert "界面保持简体中文" in caplog.text


@pytest.mark.parametrize("content", [b"", b"not a catalogue at all", b"\xde\x12\x04\x95" + b"\xff" * 40])
def test_a_corrupt_catalogue_falls_back_to_chinese_without_a_crash(tmp_path, language, content, caplog):
    path = tmp_path / "zh_TW" / "LC_MESSAGES" / "gongkai.mo"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert language("zh_TW", folder=tmp_path) == "zh_CN"
    assert tr("文件(&F)") == "文件(&F)"
    assert "无法读取" in caplog.text


def test_the_environment_variable_chooses_the_catalogue(language, monkeypatch):
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "pseudo")
    assert language() == "pseudo"
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh_CN")
    assert language() == "zh_CN"
    assert tr("文件(&F)") == "文件(&F)"


# -- the command line ----------------------------------------------------------------------------------------
def test_a_cli_error_follows_the_catalogue_with_its_placeholder_filled(traditional, capsys):
    from desktop.cli import main

    assert main(["new", str(traditional / "x.gkb"), "--set", "没有这个", "--unit", "某单位"]) == 2
    err = capsys.readouterr().err
    assert "錯誤：沒有名為 没有这个 的範本。可用範本：" in err
    assert not (traditional / "x.gkb").exists()


def test_argparse_errors_and_help_follow_the_catalogue(language, capsys):
    from desktop.cli import main

    language("pseudo")
    assert main(["check", "--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert "⟦用法：⟧" in err and "⟦不认识的参数：--no-such-option⟧" in err


def _cli(*args: str, lang: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, i18n.LANGUAGE_ENV: lang}
    return subprocess.run([sys.executable, "-m", "desktop.cli", *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_gongkai_lang_in_the_environment_reaches_the_command_line(tmp_path):
    result = _cli("new", str(tmp_path / "x.gkb"), "--set", "nope", "--unit", "某单位", lang="pseudo")
    assert result.returncode == 2
    assert "⟦错误：⟦没有名为 nope 的模板。" in result.stderr


def test_an_unknown_language_in_the_environment_still_speaks_chinese(tmp_path):
    result = _cli("new", str(tmp_path / "x.gkb"), "--set", "nope", "--unit", "某单位", lang="xx_YY")
    assert result.returncode == 2
    assert "错误：没有名为 nope 的模板。" in result.stderr
    assert "界面保持简体中文" in result.stderr


# -- the window ------------------------------------------------------------------------------------------------
@pytest.fixture
def open_window(qtbot, tmp_path, messages):
    pytest.importorskip("PySide6")
    from PySide6.QtCore import QSettings

    from desktop.core.demo import build_demo
    from desktop.gui.app import Application, make_qapplication

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    opened = []

    def open_() -> object:
        app = Application(make_qapplication())
        win = app.open_path(build_demo(tmp_path / f"demo{len(opened)}.gkb"))
        qtbot.addWidget(win)
        opened.append(win)
        return win

    yield open_
    for win in opened:
        win.close()


def _menu_texts(win) -> list[str]:  # noqa: ANN001
    """Every menu title and action text of the window's menu bar, submenus included."""
    texts: list[str] = []

    def walk(actions) -> None:  # noqa: ANN001
        for action in actions:
            if action.text():
                texts.append(action.text())
            if action.menu() is not None:
                walk(action.menu().actions())

    walk(win.menuBar().actions())
    return texts


def test_the_pseudo_language_reaches_every_menu_of_the_window(language, open_window):
    language("pseudo")
    texts = _menu_texts(open_window())
    assert len(texts) > 30
    unbracketed = [t for t in texts if any("\u4e00" <= ch <= "\u9fff" for ch in t)
                   and "⟦" not in t]
    assert unbracketed == []


def test_a_catalogue_changes_the_window_menus_and_a_dialog_message(traditional, open_window, messages,
                                                                   monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    win = open_window()
    titles = [a.text() for a in win.menuBar().actions()]
    assert "檔案(&F)" in titles and "編輯(&E)" in titles and "文件(&F)" not in titles
    assert "视图(&V)" in titles  # not in the test catalogue: stays Chinese

    win.show_table("zhichu")
    win.remove_row()  # nothing selected
    assert messages[-1] == "請先選取要刪除的科目列（合計列不能刪除）。"

    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a, **k: asked.append(text)
                        or QMessageBox.StandardButton.No)
    view = win.current_view()
    view.body.setCurrentIndex(view.model.index_of(("zhichu", "2101506", "xm")))
    win.remove_row()
    assert asked == ["刪除科目 2101506 及其下級科目列？（可以復原）"]


def test_the_window_speaks_the_source_chinese_by_default(language, open_window):
    language()
    titles = [a.text() for a in open_window().menuBar().actions()]
    assert titles[:3] == ["文件(&F)", "编辑(&E)", "视图(&V)"]


def test_the_source_text_costs_no_gettext_or_logging_at_start_up():
    """`gongkai set` is mostly start-up: the Chinese source text must not import the catalogue machinery."""
    code = ("import sys; from desktop.core.i18n import tr; tr('已导入 {count} 张表', count=1); "
            "print(sorted(m for m in ('gettext', 'logging', 'importlib.resources') if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if k != i18n.LANGUAGE_ENV}
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


# -- the document file: the refusals a clerk sees for a broken or hostile .gkb -----------------------------

EMPTY_FILE = "文件“{name}”是空的（0 字节），不是公开表工作台文档。可能复制或下载没有完成，请重新获取该文件。"


def test_a_broken_document_is_refused_in_the_selected_language(tmp_path, language):
    from desktop.core.document import Document
    from desktop.core.document.errors import DocumentError

    write_catalogue(tmp_path / "i18n", "zh_TW", {EMPTY_FILE: "檔案「{name}」是空的（0 位元組）。"})
    language("zh_TW", folder=tmp_path / "i18n")
    (tmp_path / "空.gkb").write_bytes(b"")
    with pytest.raises(DocumentError) as refused:
        Document.open(tmp_path / "空.gkb")
    assert (refused.value.code, str(refused.value)) == ("empty", "檔案「空.gkb」是空的（0 位元組）。")


def test_every_part_of_a_bad_content_refusal_goes_through_the_function(tmp_path, language):
    """The refusal names what is wrong with a sentence of its own (validate.py): both are translated."""
    import sqlite3

    from desktop.core.document import Document
    from desktop.core.document.errors import DocumentError

    path = tmp_path / "美元.gkb"
    meta = {"set_id": "shanxi_2022_juesuan", "unit_name": "测试单位", "year": "2022", "money_unit": "元"}
    Document.create(path, meta, who="测试").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '美元' WHERE key = 'money_unit'")
    conn.close()
    language(i18n.PSEUDO)
    with pytest.raises(DocumentError) as refused:
        Document.open(path)
    text = str(refused.value)
    assert text.startswith("⟦文件“美元.gkb”的内容不合规：⟦金额单位“美元”无效（只能是“元”或“万元”）⟧。"), text


def test_opening_a_document_in_the_source_text_costs_no_gettext(tmp_path):
    """The document package speaks through tr(): reading a file's refusal in Chinese loads no catalogue."""
    (tmp_path / "空.gkb").write_bytes(b"")
    code = ("import sys; from pathlib import Path; from desktop.core.document import Document\n"
            "try:\n    Document.open(Path(sys.argv[1]))\nexcept Exception as exc:\n    print(exc)\n"
            "print(sorted(m for m in ('gettext', 'logging') if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if k != i18n.LANGUAGE_ENV}
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "空.gkb")], cwd=PROJECT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines() == [EMPTY_FILE.format(name="空.gkb"), "[]"], result.stderr
