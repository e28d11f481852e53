"""Each stage's peak RSS in the bench (bench/memory.py): sampled from outside the run and matched to its stage spans."""

from __future__ import annotations

import json
import subprocess
import sys

from bench.memory import MB, RssSampler, stage_peaks_mb

# A child that holds 300 MB only in its second stage and prints its spans like bench/run_once.py does.
CHILD = """
import json, time
spans = []
def stage(name, hold_mb):
    started = time.time()
    held = bytearray(hold_mb * 2**20)  # zero-filled: every page is touched
    time.sleep(0.4)
    del held
    spans.append((name, started, time.time()))
stage("small", 0)
stage("big", 300)
stage("after", 0)
print(json.dumps(spans))
"""


def test_a_stage_that_holds_more_memory_has_that_much_more_peak_rss() -> None:
    process = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    sampler = RssSampler(process.pid).start()
    output, _ = process.communicate(timeout=60)
    samples = sampler.stop()
    peaks = stage_peaks_mb(samples, json.loads(output))
    assert set(peaks) == {"small", "big", "after"}
    assert peaks["big"] - peaks["small"] >= 280
    assert peaks["big"] - peaks["after"] >= 250
    assert len(samples) >= 30  # about 1.2 s sampled every 20 ms


def test_a_stage_peak_is_its_largest_sample_within_any_of_its_spans() -> None:
    samples = [(0.5, 100 * MB), (1.5, 900 * MB), (2.5, 300 * MB), (3.5, 200 * MB), (4.5, 700 * MB), (9.0, 5000 * MB)]
    spans = [("load", 0.0, 2.0), ("dbt", 2.0, 4.0), ("gate", 4.0, 4.2), ("load", 4.2, 5.0), ("report", 5.0, 6.0)]
    assert stage_peaks_mb(samples, spans) == {"load": 900.0, "dbt": 300.0, "gate": None, "report": None}
