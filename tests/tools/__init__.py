"""Developer tools of 公开表工作台: the benchmark and the screenshot scripts. Not part of the product: the wheel
and the bundle carry only ``desktop/`` (tests/test_wheel_install.py checks that none of these is in the wheel).

Run them from the project root with ``tests/`` on the import path, so ``tools`` is this folder and ``desktop``
is the checkout beside it::

    PYTHONPATH=tests .venv/bin/python -m tools.bench             # every figure of README "Benchmark"
    PYTHONPATH=tests .venv/bin/python -m tools.bench huizong     # only 汇总 / batch check
    PYTHONPATH=tests QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.screenshots_guide

The screenshot scripts (screenshots, screenshots_jixiao, review_screenshots, screenshots_guide) write into
resources/docs/images/ unless given another folder. Tests import helpers from here as ``tools.…`` (pytest
puts tests/ on the path).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "resources" / "docs" / "images"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh Python a tool starts: this checkout's ``desktop`` and ``tools`` come first,
    whatever the working folder or an installed copy."""
    paths = [str(ROOT), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in paths if p), **extra)
