"""Crashes (issue 9): socialmart.warehouse.publish killed with SIGKILL between its steps, in a process of its own.

Publishing is CHECKPOINT and close the build, fsync it, rename it over the published file, fsync the folder. Whichever
step the process dies at, the published file opens and holds the old warehouse or the new one, never a mix, and the
next run's build and publish need no manual step. (test_crash_recovery.py kills whole nightly runs.)
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from socialmart import warehouse

# Runs publish(BUILD, PUBLISHED) and SIGKILLs itself at STEP: after the checkpoint (at the build's fsync), just before
# the rename, or just after it (at the folder's fsync).
CHILD = """
import os, signal, sys
from pathlib import Path
from socialmart import warehouse

build, published, step = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
fsync, rename, calls = warehouse._fsync, os.replace, []

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def killing_fsync(path):
    calls.append(path)
    if (step, len(calls)) in (("after-checkpoint", 1), ("after-rename", 2)):
        die()
    fsync(path)

def killing_rename(source, target):
    if step == "before-rename":
        die()
    rename(source, target)

warehouse._fsync, warehouse.os.replace = killing_fsync, killing_rename
warehouse.publish(build, published)
"""


def _warehouse_with(path: Path, label: str) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.fct_runs as select ? as label, range as n from range(50000)", [label]
        )


def _label(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        [(label, rows)] = con.execute("select any_value(label), count(*) from marts.fct_runs").fetchall()
    assert rows == 50000, "a mix of two builds"
    return label


@pytest.mark.parametrize(
    ("step", "published_after"),
    [("after-checkpoint", "old"), ("before-rename", "old"), ("after-rename", "new")],
)
def test_a_publish_killed_between_steps_leaves_a_whole_warehouse_and_the_next_publish_works(
    tmp_path: Path, step: str, published_after: str
) -> None:
    published = tmp_path / "warehouse" / "socialmart.duckdb"
    published.parent.mkdir()
    _warehouse_with(published, "old")
    build = warehouse.start_build(published, tmp_path / "warehouse" / ".build")
    _warehouse_with(build, "new")

    child = subprocess.run([sys.executable, "-c", CHILD, str(build), str(published), step], check=False)

    assert child.returncode == -signal.SIGKILL
    assert _label(published) == published_after
    assert not published.with_name(published.name + ".wal").exists()
    next_build = warehouse.start_build(published, tmp_path / "warehouse" / ".build")
    assert [path.name for path in (tmp_path / "warehouse" / ".build").iterdir()] == ["next"], "the leftover is gone"
    _warehouse_with(next_build, "next")
    warehouse.publish(next_build, published)
    assert _label(published) == "next"
