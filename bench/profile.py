"""Where a bench run's time goes: py-spy's sampled stacks summarised as markdown (`make bench BENCH_ARGS=--py-spy`).

py-spy (`record --format raw`) writes one line per distinct stack: `frame;frame;...;frame count`, outermost frame
first, each frame `function (path)`. Time spent inside DuckDB, pyarrow or another extension is counted in the Python
frame that called it, which is why `execute` frames stand for the SQL dbt, dlt and the gate run.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

__all__ = ["py_spy_command", "slowest_dbt_nodes", "summarise"]

SAMPLES_PER_SECOND = 20
TOP = 25
OUR_CODE = ("(socialmart/", "(flows/", "(sources/", "(expectations/", "(reports/")
# Library frames worth a row of their own: module imports, and the threads dbt builds its nodes in.
LANDMARKS = ("_find_and_load (<frozen importlib._bootstrap>)", "GraphRunnableTask.call_runner (dbt/task/runnable.py)")


def py_spy_command(raw_output: Path) -> list[str]:
    """The py-spy prefix that records the command after it (and its subprocesses) into `raw_output`."""
    return [
        "py-spy",
        "record",
        "--subprocesses",
        "--nonblocking",  # never pause the run: its stage times stay close to an unprofiled run's
        "--nolineno",
        "--rate",
        str(SAMPLES_PER_SECOND),
        "--format",
        "raw",
        "--output",
        str(raw_output),
        "--",
    ]


def slowest_dbt_nodes(run_results: Path, top: int = 12) -> str:
    """Markdown for the dbt nodes that took longest in dbt's run_results.json: py-spy sees their SQL only as time in
    DuckDB's `execute`."""
    if not run_results.exists():
        return f"No dbt run results ({run_results.name}).\n"
    results = json.loads(run_results.read_text())["results"]
    total = sum(result["execution_time"] for result in results)
    lines = [f"**dbt nodes** ({len(results)} nodes, {total:.0f} s summed over dbt's threads)", ""]
    lines += ["| node | s |", "|---|---|"]
    for result in sorted(results, key=lambda result: -result["execution_time"])[:top]:
        lines.append(f"| `{result['unique_id']}` | {result['execution_time']:.1f} |")
    return "\n".join([*lines, ""])


def _stacks(raw: Path) -> Counter[tuple[str, ...]]:
    stacks: Counter[tuple[str, ...]] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[tuple(stack.split(";"))] += int(count)
    return stacks


def _table(title: str, counts: Counter[str], total: int) -> list[str]:
    lines = [f"**{title}**", "", "| frame | s | share |", "|---|---|---|"]
    for frame, count in counts.most_common(TOP):
        lines.append(f"| `{frame.replace('|', '/')}` | {count / SAMPLES_PER_SECOND:.1f} | {count / total:.1%} |")
    return [*lines, ""]


def summarise(raw: Path, label: str) -> str:
    """Markdown for one profiled run: the frames holding the most samples, inclusive (the frame or anything it
    called; our code's frames, imports and dbt's node threads) and exclusive (the frame itself, which for an
    extension call is the native work). py-spy's per-process root frame is left out."""
    stacks = _stacks(raw)
    total = sum(stacks.values())
    if not total:
        return f"### {label}\n\npy-spy recorded no samples ({raw}).\n"
    inclusive: Counter[str] = Counter()
    exclusive: Counter[str] = Counter()
    for stack, count in stacks.items():
        for frame in set(stack):
            if frame in LANDMARKS or any(package in frame for package in OUR_CODE):
                inclusive[frame] += count
        if not stack[-1].startswith("process "):
            exclusive[stack[-1]] += count
    header = [f"### {label}", "", f"{total / SAMPLES_PER_SECOND:.0f} s of samples across threads ({raw.name}).", ""]
    tables = [
        *_table("Inclusive: our code, imports and dbt nodes", inclusive, total),
        *_table("Exclusive (self)", exclusive, total),
    ]
    return "\n".join([*header, *tables])
