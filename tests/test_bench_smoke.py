"""The benchmarks under bench/ keep running: each at a tiny scale, checking their RESULT line.

Their timings are not asserted here (see the README for measured figures)."""

import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_benchmarks_run_at_small_scale():
    env = dict(os.environ, SM_BENCH_SCALE="0.01", SM_BENCH_REPEAT="1", SM_BENCH_DB="sm_bench_smoke")
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "bench.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    scripts = sorted(ROOT.glob("bench/bench_*.py"))
    assert len([line for line in result.stdout.splitlines() if line.startswith("RESULT ")]) == len(scripts), output[
        -3000:
    ]
