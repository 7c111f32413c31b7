"""The built-in demo document (柳林县医疗保障局 2022 决算), rebuilt from its dump on request."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .formats.dump import load_dump
from .paths import resources_dir

DEMO_DUMP = "demo/liulin_2022.json"
DEMO_FILE_NAME = "示例-柳林县医疗保障局-2022.gkb"


def build_demo(target: Path | None = None, *, who: str = "示例") -> Path:
    """Write a fresh demo document to ``target`` (default: a new temporary folder) and return its path."""
    target = Path(target) if target else Path(tempfile.mkdtemp(prefix="gongkai-demo-")) / DEMO_FILE_NAME
    if target.exists():
        target.unlink()
    data = json.loads((resources_dir() / DEMO_DUMP).read_text(encoding="utf-8"))
    load_dump(data, target, who=who).close()
    return target
