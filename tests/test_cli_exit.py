"""`gongkai` as a process: a one-shot command ends without Python's module teardown (``desktop.cli.run``),
and what it printed, what it saved and its exit code are exactly what the ordinary exit gives."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

import desktop.cli as cli
from desktop.core.demo import build_demo
from desktop.core.session import Session

PROJECT = Path(__file__).resolve().parent.parent


def gongkai(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GONGKAI_LANG": "zh_CN"}
    return subprocess.run([sys.executable, "-m", "desktop.cli", *args], cwd=PROJECT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_a_one_shot_edit_prints_saves_and_exits_as_before(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo.gkb")
    done = gongkai("set", str(path), "zhichu", "2013101", "jb", "1,234.56")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("已保存；连带更新") and done.stderr == ""  # flushed into the pipe
    session = Session.open(path, readonly=True)
    try:
        assert session.value(("zhichu", "2013101", "jb")) == 123456  # durable, in hundredths
    finally:
        session.close()
    same = gongkai("set", str(path), "zhichu", "2013101", "jb", "1234.56")
    assert (same.returncode, same.stdout.strip()) == (0, "与原来的数相同，未作修改。")
    refused = gongkai("set", str(path), "zhichu", "2013101", "jb", "一千")
    assert refused.returncode == 2 and "不是数字" in refused.stderr and refused.stdout == ""
    assert not list(tmp_path.glob(".*lock*"))  # the lock file went with the session, before the quick exit


def test_findings_still_exit_1_and_the_whole_report_arrives(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo.gkb")
    assert gongkai("set", str(path), "shouzhi_zongbiao", "in_ybgg", "amount", "1").returncode == 0
    checked = gongkai("check", str(path), "--json")
    assert checked.returncode == 1
    assert checked.stdout.rstrip().endswith("]") or checked.stdout.rstrip().endswith("}")  # nothing cut off


def test_a_one_shot_command_collects_garbage_at_a_slower_rhythm(monkeypatch) -> None:
    """desktop.cli.run: every 50,000 allocations instead of 700 (a `gongkai set` spent ~6 ms collecting)."""
    seen = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.get_threshold()) or 0)
    monkeypatch.setattr(cli.os, "_exit", lambda code: (_ for _ in ()).throw(SystemExit(code)))
    usual = gc.get_threshold()
    try:
        with pytest.raises(SystemExit):
            cli.run()
    finally:
        gc.set_threshold(*usual)
    assert seen == [cli.ONE_SHOT_COLLECTION] and usual != cli.ONE_SHOT_COLLECTION
