"""The error raised for an export file that cannot be loaded: it names the file, the line and the reason."""

from __future__ import annotations

__all__ = ["ExportFileError"]


class ExportFileError(ValueError):
    """One export file is rejected; `file` (relative to the exports folder), `line` (1-based) and `reason` say why.

    The message ends with what to do, so it can be shown to the marketer who dropped the file as it is.
    """

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file, self.line, self.reason = file, line, reason
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {reason}")
