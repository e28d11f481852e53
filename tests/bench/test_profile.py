"""`make bench BENCH_ARGS=--py-spy` (bench/profile.py): py-spy samples a run, and the summary says where time went."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.profile import SAMPLES_PER_SECOND, py_spy_command, slowest_dbt_nodes, summarise

BUSY = """
def spin(seconds):
    import time
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass

spin(3.0)
"""


def test_py_spy_samples_a_python_process_into_the_summary(tmp_path: Path) -> None:
    raw = tmp_path / "run.raw"
    program = tmp_path / "busy.py"
    program.write_text(BUSY)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run([*py_spy_command(raw), sys.executable, str(program)], check=True, env=env, capture_output=True)
    spin = [line for line in raw.read_text().splitlines() if "spin (busy.py)" in line]
    sampled = sum(int(line.rpartition(" ")[2]) for line in spin) / SAMPLES_PER_SECOND
    # 3 s of spinning. A loaded machine bends both ways: py-spy caught up on late samples (2.1 s of a 1.5 s spin seen
    # under CI) and also missed some (0.95 s of 1.5 s under CI). The bounds rule out sampling nothing at the stated
    # rate and counting every sample twice (6.0 s).
    assert 1.0 <= sampled <= 5.9, raw.read_text()
    text = summarise(raw, "busy")
    assert "| `spin (busy.py)` |" in text, text  # the leaf frame, in the exclusive table


def test_summary_counts_inclusive_frames_once_per_stack_and_leaves_by_themselves(tmp_path: Path) -> None:
    raw = tmp_path / "run.raw"
    root = 'process 7:"python -m bench.run_once"'
    raw.write_text(
        "\n".join(
            [
                f"{root};main (bench/run_once.py);nightly (flows/nightly.py);execute_query (dlt/sql_client.py) 40",
                f"{root};nightly (flows/nightly.py);load (flows/nightly.py);nightly (flows/nightly.py);spin (x.py) 20",
                f"{root};GraphRunnableTask.call_runner (dbt/task/runnable.py);execute (dbt/local.py) 100",
                f"{root};_find_and_load (<frozen importlib._bootstrap>);exec (x.py) 10",
                f"{root} 30",
            ]
        )
    )
    text = summarise(raw, "agency full")
    rows = {line.split("`")[1]: line.split(" | ")[1:] for line in text.splitlines() if line.startswith("| `")}
    assert "10 s of samples" in text  # 200 samples at 20 a second
    assert rows["nightly (flows/nightly.py)"] == ["3.0", "30.0% |"]  # 60 samples: a recursive frame counted once
    assert rows["GraphRunnableTask.call_runner (dbt/task/runnable.py)"] == ["5.0", "50.0% |"]
    assert rows["_find_and_load (<frozen importlib._bootstrap>)"] == ["0.5", "5.0% |"]
    assert rows["execute (dbt/local.py)"] == ["5.0", "50.0% |"]  # exclusive
    assert "main (bench/run_once.py)" not in rows and not any(frame.startswith("process ") for frame in rows)


def test_slowest_dbt_nodes_come_from_run_results(tmp_path: Path) -> None:
    run_results = tmp_path / "run_results.json"
    results = [{"unique_id": f"model.socialmart.m{i}", "execution_time": float(i)} for i in range(1, 21)]
    run_results.write_text(json.dumps({"results": results}))
    text = slowest_dbt_nodes(run_results, top=3)
    assert "20 nodes, 210 s summed" in text
    nodes = [line for line in text.splitlines() if line.startswith("| `")]
    assert nodes == [
        "| `model.socialmart.m20` | 20.0 |",
        "| `model.socialmart.m19` | 19.0 |",
        "| `model.socialmart.m18` | 18.0 |",
    ]
    assert "No dbt run results" in slowest_dbt_nodes(tmp_path / "missing.json")
