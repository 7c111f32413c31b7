"""The 绩效 form definitions as the program uses them: every shape under resources/forms/jixiao/, compiled once
(:mod:`.compile_forms`: read and validated against :mod:`.models`) and then served from the per-user compiled
cache (:mod:`desktop.core.compiled_cache`), as the template sets are: a start reads no YAML, validates
nothing and imports neither the YAML reader nor the compiling modules.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..compiled_cache import files_fingerprint, read_compiled, write_compiled
from ..i18n import tr
from ..paths import resources_dir
from .definition import FormDef

CACHE_NAME = "jixiao-forms"
# what decides what the forms compile to: this package's definition modules and the rule kinds
_CODE = [Path(__file__).with_name(m) for m in ("loader.py", "compile_forms.py", "models.py", "definition.py",
                                               "ruleset.py", "sheet.py", "validate.py")]
_KINDS = Path(__file__).parent.parent / "rules" / "kinds"


def forms_dir() -> Path:
    return resources_dir() / "forms" / "jixiao"


def load_forms(folder: Path) -> dict[str, FormDef]:
    """Every ``*.yaml`` form definition directly in ``folder`` by key, compiled now (no cache); raises
    :class:`~desktop.core.definitions.DefinitionError` naming the file and place of a problem."""
    from .compile_forms import load_forms as compile_folder  # YAML and the compiler load only on a miss

    return compile_folder(folder)


@cache
def _cached(folder: str) -> dict[str, FormDef]:
    """The forms of ``folder`` from the compiled cache, compiled (and kept) when it has none for these files."""
    fingerprint = files_fingerprint([*_CODE, *sorted(_KINDS.glob("*.py"))], [Path(folder)])
    forms = read_compiled(CACHE_NAME, fingerprint, dict)
    if forms is None or not all(isinstance(f, FormDef) for f in forms.values()):
        forms = load_forms(Path(folder))
        write_compiled(CACHE_NAME, fingerprint, forms)
    return forms


def all_forms() -> dict[str, FormDef]:
    """All shipped form definitions by key (loaded once per process)."""
    return _cached(str(forms_dir()))


def get_form(key: str) -> FormDef:
    forms = all_forms()
    if key not in forms:
        raise KeyError(tr("没有名为 {key} 的绩效表样（可用：{forms}）", key=key, forms='、'.join(sorted(forms))))
    return forms[key]
