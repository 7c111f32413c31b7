"""What the rest of the program needs to know of the 情况说明 without loading its checker: the table name
of its findings and whether a template set has narrative data at all."""

from __future__ import annotations

from ..paths import resources_dir

NARRATIVE_TABLE = "narrative"  # Finding.table of prose findings and the tree item of the 情况说明


def has_narrative_data(set_id: str) -> bool:
    """Whether the set ships resources/narrative/<set_id>.yaml (checks, drafts and 上年数 of its 情况说明)."""
    return (resources_dir() / "narrative" / f"{set_id}.yaml").is_file()
