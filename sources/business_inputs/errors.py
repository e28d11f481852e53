"""Validation errors of the business-input CSV files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["InputFileError", "InputProblem"]


@dataclass(frozen=True)
class InputProblem:
    """One problem in one input file: where (file, line, field), what, and how to fix it."""

    file: str
    problem: str
    fix: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.field is not None:
            where += f', field "{self.field}"'
        return f"{where}: {self.problem} — {self.fix}"


class InputFileError(ValueError):
    """The business inputs are invalid; lists every problem found (not only the first)."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the business input files:"
        super().__init__("\n".join([header, *(f"  - {p}" for p in self.problems)]))
