"""PDF copies of the HTML reports, printed by headless Chromium when it is installed (Debian's `chromium`).

A PDF is a convenience: without Chromium the report is still complete (HTML, CSV, XLSX) and the caller is told why
no PDF was made. Chromium runs with a fresh profile and without background networking, so it contacts nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from reports.errors import ReportError

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
PRINT_TIMEOUT_SECONDS = 120
CHROMIUM_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pdf-header-footer",
)


def find_chromium() -> str | None:
    """The Chromium executable to print with, or None when none is installed."""
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def print_pdf(html: Path, pdf: Path, chromium: str) -> Path:
    """Print `html` to `pdf` (A4, backgrounds on, as the page's print styles say) and return `pdf`."""
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="socialmart-chromium-") as profile:
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            # Chromium refuses to run as root inside its sandbox; the page printed is our own file.
            *(["--no-sandbox"] if os.geteuid() == 0 else []),
            f"--user-data-dir={profile}",
            f"--print-to-pdf={tmp}",
            html.resolve().as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReportError(f"Chromium did not print {html} to PDF within {PRINT_TIMEOUT_SECONDS} s.") from exc
    if result.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ReportError(f"Chromium ({chromium}) could not print {html} to PDF: {detail}")
    os.replace(tmp, pdf)
    return pdf
