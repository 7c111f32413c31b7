"""Errors in definition files, each naming the file and the place inside it."""

from __future__ import annotations


class DefinitionError(Exception):
    """A template set that cannot be used; the message says which file and where."""

    def __init__(self, file: str, where: str, problem: str) -> None:
        self.file, self.where, self.problem = file, where, problem
        place = f"{file}: {where}" if where else file
        super().__init__(f"{place}: {problem}")
