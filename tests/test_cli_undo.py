"""``gongkai undo`` / ``gongkai redo``: one process per command, one history in the file, Chinese output."""

from __future__ import annotations

import json

import pytest

from desktop.cli import main
from desktop.core.demo import build_demo
from desktop.core.session import Session


@pytest.fixture
def demo(tmp_path):
    return build_demo(tmp_path / "demo.gkb")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def value(path, cell):
    session = Session.open(path, readonly=True)
    try:
        return session.value(cell)
    finally:
        session.close()


def test_set_then_undo_and_redo_in_separate_commands(demo, capsys):
    cell = ("zhichu", "2101501", "jb")
    assert run(capsys, "set", str(demo), *cell, "700000")[0] == 0
    code, out, _ = run(capsys, "undo", str(demo), "--list")
    assert code == 0 and "可撤销的步骤" in out and "填写" in out and "682,056.40 → 700,000.00" in out
    code, out, _ = run(capsys, "undo", str(demo))
    assert code == 0 and "已撤销：填写" in out and "可重做 1 步" in out
    assert value(demo, cell) == 68205640
    code, out, _ = run(capsys, "redo", str(demo), "--list", "--json")
    listed = json.loads(out)
    assert code == 0 and [s["label"] for s in listed] == ["填写"] and listed[0]["summary"].endswith("个数字")
    code, out, _ = run(capsys, "redo", str(demo))
    assert code == 0 and "已重做：填写" in out and value(demo, cell) == 70000000


def test_several_steps_are_taken_all_or_none(demo, capsys):
    cell = ("zhichu", "2101501", "xm")
    for text in ("1", "2"):
        assert run(capsys, "set", str(demo), *cell, text)[0] == 0
    data = demo.read_bytes()
    code, _, err = run(capsys, "undo", str(demo), "--steps", "3")
    assert code == 2 and "只有 2 步可以撤销" in err and "未做任何改动" in err
    assert demo.read_bytes() == data
    code, out, _ = run(capsys, "undo", str(demo), "--steps", "2")
    assert code == 0 and out.count("已撤销") == 2 and value(demo, cell) == 11730430
    code, _, err = run(capsys, "undo", str(demo))
    assert code == 2 and "没有可撤销的操作" in err
    assert run(capsys, "undo", str(demo), "--steps", "0")[0] == 2


def test_a_new_edit_clears_redo_across_commands(demo, capsys):
    cell = ("zhichu", "2101501", "xm")
    run(capsys, "set", str(demo), *cell, "1")
    run(capsys, "undo", str(demo))
    run(capsys, "set", str(demo), *cell, "2")
    code, _, err = run(capsys, "redo", str(demo))
    assert code == 2 and "没有可重做的操作" in err
    code, out, _ = run(capsys, "redo", str(demo), "--list")
    assert code == 0 and "没有可重做的步骤" in out


def test_undo_on_a_locked_table_is_refused_with_the_reason(demo, capsys):
    session = Session.open(demo, who="张会计")
    session.set_text(("zhichu", "2101501", "jb"), "700000", who="张会计")
    session.set_text(("zhichu", "2101501", "jb"), "682056.40", who="张会计")
    session.review.submit("zhichu", who="张会计")
    session.close()
    data = demo.read_bytes()
    code, _, err = run(capsys, "undo", str(demo))
    assert code == 2 and err.startswith("错误：") and "待审核" in err and "撤回提交" in err
    assert demo.read_bytes() == data
    assert run(capsys, "undo", str(demo), "--list")[0] == 0  # listing writes nothing and is allowed
    assert demo.read_bytes() == data
