"""A day's work in one window: 3,000 typed edits, 300 table switches, 300 scrolls, in a child process so
that an abort (PySide6 6.12's lost references to None, see desktop/gui/qt_values.py) fails the test
instead of killing pytest. The figures are printed (pytest -s) for the release notes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

CHILD = Path(__file__).with_name("gui_soak_child.py")


def test_a_days_work_in_one_window_neither_aborts_nor_loses_a_figure(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SOAK_HANG_S": "170"}
    done = subprocess.run([sys.executable, str(CHILD), str(tmp_path), "3000", "300", "300", "300"],
                          capture_output=True, text=True, env=env, timeout=180)
    assert done.returncode == 0, f"the window died (exit {done.returncode}):\n{done.stderr[-3000:]}"
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print("\nsoak:", json.dumps(figures, ensure_ascii=False))
    assert figures["messages"] == []  # every typed figure was accepted
    assert figures["cells_typed"] > 300
    assert figures["in_window"], "the window shows other figures than were typed"
    assert figures["wrong_on_disk"] == {}, "the file holds other figures than were typed"
