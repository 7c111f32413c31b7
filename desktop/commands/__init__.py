"""Subcommands of ``gongkai`` that live in their own modules, one module per room (review, narrative, 汇总 …).

A module listed in :data:`COMMAND_MODULES` defines ``register(sub)``: it adds its parsers to the
``argparse`` sub-parsers and sets ``func`` on each. Its handlers return an exit code and raise
:class:`CliError` (or one of the core's errors) for a refusal; :func:`desktop.cli.main` prints it in Chinese.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

EXIT_OK, EXIT_FINDINGS, EXIT_BAD = 0, 1, 2

# one entry per module; keep the list sorted so branches that each add one merge cleanly
COMMAND_MODULES: tuple[str, ...] = (
    "huizong",
    "narrative",
    "review",
    "undo",
)


class CliError(Exception):
    """A problem to report in Chinese with exit code 2."""


def print_json(data: Any) -> None:
    """Machine-readable output: UTF-8 JSON, Chinese kept readable."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def register_all(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Let every listed module add its subcommands."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
