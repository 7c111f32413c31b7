"""README and the 用户手册 (shipped, opened with F1) point at files that exist, and every picture shipped under
resources/docs/images/ is shown by one of them (no dead weight in the wheel and the bundle)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

PROJECT = Path(__file__).resolve().parents[1]
PAGES = (PROJECT / "README.md", PROJECT / "resources" / "docs" / "用户手册.md")
IMAGES = PROJECT / "resources" / "docs" / "images"
LINK = re.compile(r"\]\(([^)\s]+)\)")  # [text](target) and ![alt](target)


def _local_targets(page: Path) -> list[Path]:
    """The files a page links to by relative path (web addresses and anchors within the page left out)."""
    targets = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if target.startswith(("#", "http://", "https://", "mailto:")):
            continue
        targets.append((page.parent / unquote(target.split("#")[0])).resolve())
    return targets


def test_every_relative_link_of_readme_and_guide_exists() -> None:
    for page in PAGES:
        targets = _local_targets(page)
        assert targets, page
        missing = [str(t.relative_to(PROJECT)) for t in targets if not t.exists()]
        assert not missing, f"{page.name} links to missing files: {missing}"


def test_every_shipped_picture_is_shown_somewhere() -> None:
    linked = {t for page in PAGES for t in _local_targets(page)}
    pictures = {p.resolve() for p in IMAGES.rglob("*.png")}
    assert len(pictures) >= 10
    unused = sorted(str(p.relative_to(IMAGES)) for p in pictures - linked)
    assert not unused, f"pictures under resources/docs/images that README and 用户手册 do not show: {unused}"
