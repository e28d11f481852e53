"""Errors raised by the report builders."""

from __future__ import annotations


class ReportError(Exception):
    """A report cannot be built; the message says which report, from where, and what to do next."""
