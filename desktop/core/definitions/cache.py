"""Validated template sets in the per-user compiled cache (:mod:`desktop.core.compiled_cache`), so the
application starts without re-validating YAML.

Validating a set builds pydantic schemas and parses YAML: most of the start-up time. The cache holds the
validated :class:`TemplateSet` (plain objects, :mod:`.models`) pickled, keyed by the size and modification
time of every file under resources/templates, by the source of the modules that compile a set and by the
versions of the application, pydantic and Python: any change to a definition file misses the cache and the
set is loaded and validated again. The key covers the whole templates folder, not only a set's own folder,
so an edit in a file another set ``extends:`` (a base set, a _shared table) invalidates every set built on it.
"""

from __future__ import annotations

from pathlib import Path

from ..compiled_cache import files_fingerprint, read_compiled, write_compiled
from .template_set import TemplateSet

# The modules whose source decides what a set compiles to: the models and everything that reads,
# composes (extends, patches) and validates the YAML.
CODE_MODULES = ("models.py", "schema.py", "compile_set.py", "template_set.py", "loader.py", "compose.py",
                "patch.py", "table_patch.py", "yaml_source.py")


def templates_fingerprint(templates: Path) -> str:
    """The fingerprint of every template set: the definition files under ``templates`` and their compiler."""
    return files_fingerprint([Path(__file__).with_name(m) for m in CODE_MODULES], [templates])


def read(folder: Path, fingerprint: str) -> TemplateSet | None:
    tset = read_compiled(folder.name, fingerprint, TemplateSet)
    return tset if tset is not None and tset.folder == folder else None


def write(folder: Path, fingerprint: str, tset: TemplateSet) -> None:
    write_compiled(folder.name, fingerprint, tset)
