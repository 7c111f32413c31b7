"""汇总 and batch review: a 部门's consolidated document made from its units' files, traced back to them,
and a folder of received unit files checked one row per file.

- :mod:`.sources` reads a unit file read-only (figures, rows, forms, and which version: SHA-256, log head);
- :mod:`.combine` adds units up; :mod:`.build` writes the 汇总 atomically and, on a re-run, :mod:`.moves`
  says what moved, per cell and unit; :mod:`.provenance` is what the 汇总 records in its meta;
- :mod:`.trace` traces a 汇总's findings to the unit files;
- :mod:`.batch` checks a folder (worker processes), :mod:`.batch_report` writes the .xlsx/.html report.
"""

from __future__ import annotations

from .errors import HuizongError

__all__ = ["HuizongError"]
