"""A second copy of the application on the same file is told who has it and gets a read-only view."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

from desktop.core.demo import build_demo
from desktop.core.document import Document
from desktop.core.document.lock import lock_path
from desktop.core.session import Session

HOLD = textwrap.dedent("""
    import sys, time
    from desktop.core.document import Document
    doc = Document.open(sys.argv[1], who="张会计")
    doc.write({("zhichu", "2101501", "jb"): 1}, who="张会计")
    print("opened", flush=True)
    sys.stdin.readline()
    doc.write({("zhichu", "2101501", "jb"): 2}, who="张会计")
    doc.close()
    print("closed", flush=True)
""")


def test_second_process_gets_read_only_with_the_holder_named_and_no_edit_is_lost(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo.gkb")
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1])
    try:
        assert child.stdout.readline().strip() == "opened"
        mine = Session(Document.open(path, who="李科长"))
        try:
            assert mine.doc.readonly and mine.doc.other_editor is not None
            assert mine.doc.other_editor.user == "张会计"
            assert "张会计" in mine.doc.readonly_reason and "正在编辑" in mine.doc.readonly_reason
            assert mine.value(("zhichu", "2101501", "jb")) == 1  # sees the holder's committed edit
        finally:
            mine.close()
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "closed"
    finally:
        child.stdin.close()
        child.wait(timeout=30)
    assert not lock_path(path).exists()
    with Document.open(path, who="李科长") as doc:  # free again: editable, and nothing was lost
        assert not doc.readonly
        assert doc.values()[("zhichu", "2101501", "jb")] == 2


def test_a_lock_left_by_a_dead_process_on_this_computer_is_taken_over(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo.gkb")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock_path(path).write_text(json.dumps({"user": "王", "host": socket.gethostname(),
                                           "pid": int(dead.stdout), "at": "2026-01-01T08:00:00"}))
    with Document.open(path, who="李") as doc:
        assert not doc.readonly
        assert json.loads(lock_path(path).read_text())["user"] == "李"
    assert not lock_path(path).exists()


def test_a_lock_from_another_computer_is_respected(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo.gkb")
    lock_path(path).write_text(json.dumps({"user": "王出纳", "host": "财务科-PC2", "pid": os.getpid() + 99999,
                                           "at": "2026-11-20T09:30:00"}))
    before = path.read_bytes()
    with Document.open(path, who="李") as doc:
        assert doc.readonly and "王出纳" in doc.readonly_reason and "财务科-PC2" in doc.readonly_reason
        assert lock_path(path).name in doc.readonly_reason  # says how to clear it
    assert lock_path(path).exists() and path.read_bytes() == before


def test_a_lock_creation_cut_short_leaves_nothing_behind_at_the_next_open(tmp_path):
    """A process killed between writing its lock and linking it leaves a temporary file: the next open
    removes it when its process is gone (a colleague's computer's only after a minute)."""
    import os
    import subprocess
    import sys

    from desktop.core.document.lock import _HOST_TAG, acquire, lock_path, release

    doc = tmp_path / "表.gkb"
    doc.write_bytes(b"")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    lock = lock_path(doc.resolve())
    ours = lock.with_name(f"{lock.name}.{_HOST_TAG}.{dead}.0123456789ab.tmp")
    theirs = lock.with_name(f"{lock.name}.0000ffff.{dead}.0123456789ab.tmp")  # another computer, fresh
    old = lock.with_name(f"{lock.name}.0000eeee.1.0123456789ab.tmp")
    for leftover in (ours, theirs, old):
        leftover.write_bytes(b"{}")
    os.utime(old, (1, 1))
    held = acquire(doc, "测试员")
    release(held)
    assert not ours.exists() and not old.exists()
    assert theirs.exists()
