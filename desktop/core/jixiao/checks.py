"""The checks of one form: the rules of its shape (``_shared/rules.yaml`` with the form file's overrides),
expanded over the form by their kinds (desktop/core/rules/kinds) and evaluated into findings.

Like the tables' engine, expansion depends only on the form's structure (its shape, id and 三级 rows), so
the checks of a form are kept and re-expanded only when a row is added, removed or moved."""

from __future__ import annotations

from ..rules.findings import Finding
from ..rules.kinds import Check, kind
from .definition import FormDef
from .derive import Derived
from .form import Form
from .sheet import FormSheet

_EXPANDED: dict[tuple, tuple[FormDef, list[Check]]] = {}
_KEEP = 512  # forms whose checks are kept (a few documents' worth)


def form_checks(fdef: FormDef, sheet: FormSheet) -> list[Check]:
    """The checks of the form ``sheet`` reads, expanded once per structure."""
    key = (id(fdef), sheet.form.id, tuple((i.id, i.group) for i in sheet.items))
    kept = _EXPANDED.get(key)
    if kept is not None and kept[0] is fdef:
        return kept[1]
    checks: list[Check] = []
    for rule in fdef.rules:
        found = kind(rule.spec.kind)
        if found is not None and found.scope == "form":
            checks.extend(found.expand(rule, sheet))
    if len(_EXPANDED) >= _KEEP:
        _EXPANDED.clear()
    _EXPANDED[key] = (fdef, checks)
    return checks


def check_form(fdef: FormDef, form: Form, derived: Derived | None = None) -> list[Finding]:
    """All findings of one form, rule by rule in the order the rules are written."""
    sheet = FormSheet(fdef, form, derived)
    return [f for check in form_checks(fdef, sheet) if (f := check.evaluate(sheet)) is not None]
