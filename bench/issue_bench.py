"""Benchmark issuing: numbered copies stamped onto one build, and the first build from photos that just arrived.

The circular of bench/circular_bench.py (200 findings, a findings table, 200 photos of 1600×1200), same run:
  * baseline: reportlab drawing the 200 photos, one per bare A4 page;
  * first build: build_circular from photos that arrived as the photo pipeline leaves them (print copies
    made on arrival by images.prepare_print_copies, untimed; the memory cache emptied and the first use's
    odd sizes deleted before every turn), target ≤ 2× the baseline;
  * archive copy: one full build of the circular with its trace line (print copies warm);
  * issue: the archive copy and 30 numbered copies, each PDF's bytes and SHA-256 (pdf/stamping.py: one
    layout and render, then 31 stamped copies), target ≤ 1.5× the archive copy built once; storing the
    31 files (fsync) is not timed, it depends on the disk;
  * size: a stamped copy against the same copy built in full, target: no larger (within 0.1 %, the other
    copies' trace glyphs).
After one warm-up of each side, the sides take turns `repeat` times; each turn gives one paired ratio and the
table shows the median with its min–max (the target is judged on the median). Run standalone
(`python bench/issue_bench.py`), as a module, or through `python -m bench`. Options: --findings N,
--photos N, --copies N, --repeat N.
"""
from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.circular_bench import UNITS, baseline, make_circular, make_photos, timed  # noqa: E402
from inspection.pdf import build_circular  # noqa: E402
from inspection.pdf.images import clear_cache, prepare_print_copies  # noqa: E402
from inspection.pdf.stamping import Stamp, build_copies  # noqa: E402

FIRST_BUILD_TARGET = 2.0
ISSUE_TARGET = 1.5
SIZE_SLACK = 0.001
ARCHIVE_TRACE = "发文机关存档"


def stamps(count: int) -> list[Stamp]:
    """Return the archive copy's stamp and `count` recipients' (份号 and trace line)."""
    return [Stamp(None, ARCHIVE_TRACE)] + [
        Stamp(f"{i:06d}", f"发{UNITS[(i - 1) % len(UNITS)]}　份号{i:06d}") for i in range(1, count + 1)]


def arrived(photos: list[str]) -> None:
    """Leave the photos as the photo pipeline does: print copies for the usual boxes on disk, nothing else."""
    clear_cache()  # so the copies are made again, not taken from the last turn's memory
    for path in photos:
        for copy in Path(path).parent.glob(f"{Path(path).name}.print-*.jpg"):
            copy.unlink()
        prepare_print_copies(path)
    clear_cache()


def issue_all(doc, all_stamps: list[Stamp]) -> list[tuple[int, str]]:
    """Produce every copy's bytes and hash, as issuing does before it stores them."""
    return [(copy.size, copy.sha256) for copy in build_copies(doc, all_stamps)]


def run(findings: int, photo_count: int, copies: int, repeat: int) -> list[dict]:
    """Run the benchmark and return rows of results."""
    all_stamps = stamps(copies)
    with tempfile.TemporaryDirectory(prefix="issue-bench-") as tmp:
        photos = make_photos(Path(tmp), photo_count)
        doc = make_circular(photos, findings)
        archive_doc = replace(doc, copy_number=None, trace_line=ARCHIVE_TRACE)
        build_circular(make_circular(photos[:1], 1))  # fonts loaded and registered outside the timings
        baseline(photos)
        arrived(photos)
        build_circular(doc)  # warm-up of the first build's code path
        issue_all(doc, all_stamps)
        turns = []  # (baseline, first build, archive once, issue) seconds
        for _ in range(max(1, repeat)):
            base_t, _ = timed(baseline, photos)
            arrived(photos)
            first_t, first_pdf = timed(build_circular, doc)
            archive_t, _ = timed(build_circular, archive_doc)
            issue_t, issued = timed(issue_all, doc, all_stamps)
            turns.append((base_t, first_t, archive_t, issue_t))
        stamp = all_stamps[1]
        full = build_circular(replace(doc, copy_number=stamp.copy_number, trace_line=stamp.trace_line))
        stamped = build_copies(doc, [stamp])[0]
        assert hashlib.sha256(stamped.data).hexdigest() == stamped.sha256
    first = [t[1] / t[0] for t in turns]
    issue = [t[3] / t[2] for t in turns]
    size_ratio = stamped.size / len(full)
    return [
        {"case": f"baseline: reportlab, {photo_count} photos on bare pages", "seconds": statistics.median(
            t[0] for t in turns), "ratios": [1.0], "bytes": None, "note": ""},
        {"case": "first build, photos as they arrived", "seconds": statistics.median(t[1] for t in turns),
         "ratios": first, "bytes": len(first_pdf),
         "note": _verdict(first, FIRST_BUILD_TARGET, f"≤ {FIRST_BUILD_TARGET:g}× baseline")},
        {"case": "archive copy, built once (the issue baseline)", "seconds": statistics.median(
            t[2] for t in turns), "ratios": [1.0], "bytes": None, "note": ""},
        {"case": f"issue: archive + {copies} numbered copies, bytes and SHA-256",
         "seconds": statistics.median(t[3] for t in turns), "ratios": issue, "bytes": None,
         "note": _verdict(issue, ISSUE_TARGET, f"≤ {ISSUE_TARGET:g}× archive copy")},
        {"case": "size: a stamped copy / the same copy built in full", "seconds": None, "ratios": [size_ratio],
         "bytes": stamped.size, "note": ("ok" if size_ratio <= 1 + SIZE_SLACK else "MISSES TARGET")
         + f" (≤ {1 + SIZE_SLACK:g}; {stamped.size - len(full):+d} bytes)"},
    ]


def _verdict(ratios: list[float], target: float, what: str) -> str:
    """Say whether the median of paired ratios meets its target."""
    return ("ok" if statistics.median(ratios) <= target else "MISSES TARGET") + f" ({what})"


def print_table(rows: list[dict], findings: int, photos: int, copies: int, repeat: int) -> None:
    """Print the results."""
    print(f"issuing: {findings} findings, {photos} photos, {copies} numbered copies; median of {repeat} paired "
          f"turns (min–max)")
    print(f"{'case':<56} {'seconds':>8} {'ratio (min–max)':>20} {'MB':>7}  note")
    for row in rows:
        ratios = row["ratios"]
        ratio = f"{statistics.median(ratios):.3f}" if row["seconds"] is None else (
            f"{statistics.median(ratios):.2f}" + (f" ({min(ratios):.2f}–{max(ratios):.2f})" if len(ratios) > 1 else ""))
        seconds = "" if row["seconds"] is None else f"{row['seconds']:.2f}"
        size = "" if row["bytes"] is None else f"{row['bytes'] / 1e6:.2f}"
        print(f"{row['case']:<56} {seconds:>8} {ratio:>20} {size:>7}  {row['note']}")


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print; return 0 when the targets are met, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings", type=int, default=200)
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = run(args.findings, args.photos, args.copies, args.repeat)
    print_table(rows, args.findings, args.photos, args.copies, max(1, args.repeat))
    return 0 if all(row["note"].startswith("ok") for row in rows if row["note"]) else 1


if __name__ == "__main__":
    sys.exit(main())
