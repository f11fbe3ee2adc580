"""Run every benchmark in bench/ in turn, each in its own process: `python -m bench [name ...]`.

Names select benchmarks (`python -m bench sync stats`); none runs them all. The exit status is 1 when a
benchmark failed or missed one of its targets.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    """Return the benchmark module names, in order."""
    return sorted(path.stem for path in HERE.glob("*_bench.py"))


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks; return a process exit status."""
    wanted = sys.argv[1:] if argv is None else argv
    names = available()
    chosen = [n for n in names if not wanted or n in wanted or n.removesuffix("_bench") in wanted]
    unknown = [w for w in wanted if w not in names and f"{w}_bench" not in names]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(names)}", file=sys.stderr)
        return 2
    outcomes = []
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        status = subprocess.call([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent)
        outcomes.append((name, status, time.perf_counter() - started))
    print("\n=== summary ===")
    for name, status, seconds in outcomes:
        print(f"{name:<24} {'ok' if status == 0 else f'exit {status}':<10} {seconds:6.0f} s")
    return 0 if all(status == 0 for _, status, _ in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
