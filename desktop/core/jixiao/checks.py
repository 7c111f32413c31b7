"""The checks of one form: the rules of its shape (``_shared/rules.yaml`` with the form file's overrides),
expanded over the form by their kinds (desktop/core/rules/kinds) and evaluated into findings."""

from __future__ import annotations

from ..rules.findings import Finding
from ..rules.kinds import kind
from .definition import FormDef
from .derive import Derived
from .form import Form
from .sheet import FormSheet


def check_form(fdef: FormDef, form: Form, derived: Derived | None = None) -> list[Finding]:
    """All findings of one form, rule by rule in the order the rules are written."""
    sheet = FormSheet(fdef, form, derived)
    out: list[Finding] = []
    for rule in fdef.rules:
        found = kind(rule.spec.kind)
        if found is None or found.scope != "form":
            continue
        for check in found.expand(rule, sheet):
            finding = check.evaluate(sheet)
            if finding is not None:
                out.append(finding)
    return out
