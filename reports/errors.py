"""Errors raised by the report builders."""

from __future__ import annotations


class ReportError(Exception):
    """A report cannot be built; the message says which report, from where, and what to do next."""


class NothingToReport(ReportError):
    """The period has nothing a report could show yet: no targets for the month, no day of it loaded, or no
    campaign activity in the week. Asked for by hand it is an error; the nightly run notes it and carries on."""
