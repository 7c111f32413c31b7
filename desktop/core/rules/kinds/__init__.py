"""Rule kinds: one registry for the relationships a disclosure's forms and tables must satisfy.

A kind is a typed parameter model plus the code that expands one rule (written in YAML) over a concrete
form into :class:`Check` objects: each knows its stable key, rule id, severity, the cells it reads and how to
evaluate itself into a :class:`~desktop.core.rules.findings.Finding`. ``form`` kinds see one form
(:mod:`.sheet`), ``book`` kinds every form of a document with its tables, ``table`` kinds are the table
engine's (listed here; compiled and evaluated by rules/compile.py and rules/engine.py).
"""

from __future__ import annotations

from . import book, funding, indicators, tables, totals  # noqa: F401 - importing registers the kinds
from .registry import (
           Check,
           Kind,
           Params,
           Rule,
           RuleChange,
           RuleSpec,
           fill,
           kind,
           kinds,
           placeholders,
           problems,
)

__all__ = ["Check", "Kind", "Params", "Rule", "RuleChange", "RuleSpec", "fill", "kind", "kinds", "placeholders",
           "problems"]
