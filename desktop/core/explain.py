"""出错说明: a clerk's written reason for a 提示 finding, and whether the figures have moved since.

An explanation records the figures it explained (its *basis*). When the finding's figures change, the
explanation is *stale*: still shown, but marked, so nobody relies on a reason written for other numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from .i18n import tr
from .rules.findings import Finding


class ExplanationState(Enum):
    NONE = "none"
    EXPLAINED = "explained"
    STALE = "stale"

    @property
    def label(self) -> str:
        return {"none": "", "explained": tr("已说明"), "stale": tr("说明已过期")}[self.value]


def basis_of(finding: Finding) -> str:
    """The figures a finding shows, as stored with its explanation."""
    return f"{finding.left}|{finding.right}"


def explanation_state(finding: Finding, explanations: Mapping[str, Mapping[str, str]]) -> ExplanationState:
    """Whether ``finding`` has an explanation, and whether it was written for the current figures."""
    exp = explanations.get(finding.key)
    if not exp:
        return ExplanationState.NONE
    return ExplanationState.EXPLAINED if exp.get("basis") == basis_of(finding) else ExplanationState.STALE
