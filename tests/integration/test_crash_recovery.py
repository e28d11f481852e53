"""Crashes (issue 9): a nightly process killed with SIGKILL during load, during dbt and during publish.

One chain of real `socialmart run` processes into one warehouse, on one small source (Meta Ads, six weeks): run 1 is
killed while loading, run 2 while dbt builds, run 3 as it publishes, and run 4, the next day's, completes. After
each kill the published warehouse is absent (nothing was ever published) or whole: it opens, and its marts equal the
sandbox's truth. Run 4 needs no manual step (no lock, build file or Parquet set is left to clean up), and its marts
equal the truth to the cent, so the dlt state and cursors the killed runs wrote into their build files never leaked.
The stage is read from the process's progress lines (`[load] business inputs`, `dbt model ...`, `[publish]`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from sandbox.truth import Truth

RUN_DATE = date(2025, 2, 15)
NEXT_DATE = RUN_DATE + timedelta(days=1)
SOCIALMART = Path(sys.executable).with_name("socialmart")


@dataclass
class Killed:
    """A run killed on its first output line starting with `marker`: its output up to then, and what stayed."""

    marker: str
    lines: list[str]
    published_spend: Decimal | None  # the published marts' Meta spend after the kill; None: nothing published


@dataclass
class Chain:
    """The killed runs, then the completed run's output and exit code."""

    warehouse: Path
    killed: list[Killed] = field(default_factory=list)
    completed_output: str = ""
    completed_code: int | None = None


def _command(warehouse: Path, run_date: date) -> list[str]:
    return [str(SOCIALMART), "run", "--sandbox", "--sources", "meta_ads", "--warehouse", str(warehouse),
            "--date", run_date.isoformat()]  # fmt: skip


def _environment(tmp: Path) -> dict[str, str]:
    """The test's environment for the child: unbuffered output, the session's Prefect server, no live secrets."""
    from prefect.settings import PREFECT_API_URL

    env = {key: value for key, value in os.environ.items() if not key.startswith("SOURCES__")}
    env.update(PYTHONUNBUFFERED="1", SOCIALMART__REPORTS_DIR=str(tmp / "reports"))
    if PREFECT_API_URL.value():
        env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    return env


def _published_spend(warehouse: Path) -> Decimal | None:
    """The Meta spend of the published marts, opening the file as a BI tool would; None when there is no file."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(spend,)] = con.execute(
            "select sum(spend) from marts.fct_ad_performance_daily where platform = 'meta'"
        ).fetchall()
    return spend


def _run_until(command: list[str], env: dict[str, str], marker: str) -> list[str]:
    """Start the run and SIGKILL its process group on the first output line starting with `marker`."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if marker in line:
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.stdout.close()
    code = process.wait()
    assert code == -signal.SIGKILL, f"the run ended (exit {code}) before {marker!r}:\n" + "\n".join(lines[-40:])
    return lines


@pytest.fixture(scope="module")
def chain(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    tmp = tmp_path_factory.mktemp("crash")
    warehouse = tmp / "warehouse" / "socialmart.duckdb"
    env = _environment(tmp)
    result = Chain(warehouse)
    for marker in ("[load] business inputs", "dbt model", "[publish]"):
        lines = _run_until(_command(warehouse, RUN_DATE), env, marker)
        result.killed.append(Killed(marker, lines, _published_spend(warehouse)))
    completed = subprocess.run(
        _command(warehouse, NEXT_DATE), env=env, capture_output=True, text=True, timeout=900, check=False
    )
    result.completed_output, result.completed_code = completed.stdout + completed.stderr, completed.returncode
    yield result


def _truth_spend(run_date: date) -> Decimal:
    return Truth(run_date, known_platforms=("meta",)).spend("meta")


def test_a_run_killed_before_publishing_leaves_nothing_published(chain: Chain) -> None:
    in_load, in_dbt, _ = chain.killed
    assert in_load.published_spend is None and in_dbt.published_spend is None
    assert not any("[dbt]" in line for line in in_load.lines), "killed after load"
    assert not any("[gate]" in line for line in in_dbt.lines), "killed after dbt"


def test_a_run_killed_while_publishing_leaves_the_old_or_the_new_warehouse_whole(chain: Chain) -> None:
    in_publish = chain.killed[2]
    # Nothing was published before, so the file is either absent or this run's whole build, equal to the truth.
    assert in_publish.published_spend in (None, _truth_spend(RUN_DATE))


def test_the_next_run_completes_without_a_manual_step(chain: Chain) -> None:
    assert chain.completed_code == 0, chain.completed_output[-4000:]
    assert "another socialmart run" not in chain.completed_output  # the killed runs' lock died with them
    build_dir = chain.warehouse.parent / ".build"
    assert not build_dir.exists() or list(build_dir.rglob("*.duckdb")) == []
    parquet = chain.warehouse.parent / "parquet"
    assert parquet.is_symlink() and (parquet / "fct_ad_performance_daily.parquet").exists()
    sets = list(chain.warehouse.parent.glob("parquet-*"))
    assert sets == [parquet.resolve()], "the Parquet set the killed publish left behind is gone"


def test_the_next_run_s_marts_equal_the_truth_to_the_cent(chain: Chain) -> None:
    assert _published_spend(chain.warehouse) == _truth_spend(NEXT_DATE) > Decimal(0)
    with duckdb.connect(str(chain.warehouse), read_only=True) as con:
        [(days, first, last)] = con.execute(
            "select count(distinct date_day), min(date_day), max(date_day) from marts.fct_ad_performance_daily"
        ).fetchall()
        [(duplicates,)] = con.execute(
            "select count(*) - count(distinct (date_day, platform, account_id, ad_id)) "
            "from marts.fct_ad_performance_daily"
        ).fetchall()
    assert first <= date(2025, 1, 5) and last == RUN_DATE and days == (last - first).days + 1
    assert duplicates == 0
