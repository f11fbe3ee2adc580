"""Measure where titles break: the trade's terms list alone, rjieba alone, and both, on 50 real titles.

For each way of finding words it prints, over the titles of tests/pdf/data/circular_titles.txt (a space
there marks each place a title may break):
  * false breaks: places the method would allow a break that cut a unit of the title (a word, a number
    with its unit, a quotation, a fixed term), and over-protected places (a good break it forbids);
  * broken titles: titles whose laid-out lines (inspection.pdf.titles) actually cut a unit;
  * the time to lay out all 50 titles, as a ratio to the terms list alone, and rjieba's import time.
The target: the method the package uses (both) breaks no title. Run `python -m bench.title_bench`.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from inspection.pdf import segment, titles  # noqa: E402
from inspection.pdf.fonts import fontset  # noqa: E402
from inspection.pdf.typeset import NO_LINE_END, NO_LINE_START  # noqa: E402

DATA = ROOT / "tests" / "pdf" / "data" / "circular_titles.txt"
METHODS = {"terms list": (False, True), "rjieba": (True, False), "rjieba + terms": (True, True)}
CHOSEN = "rjieba + terms"


def gold_titles() -> list[tuple[str, frozenset[int]]]:
    """Return (title, offsets where it may break) from the data file."""
    result = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        units, offsets, at = line.split(" "), set(), 0
        for unit in units[:-1]:
            at += len(unit)
            offsets.add(at)
        result.append(("".join(units), frozenset(offsets)))
    return result


def breakable(text: str) -> list[int]:
    """Return the offsets where CJK line rules allow a break at all."""
    return [i for i in range(1, len(text)) if text[i] not in NO_LINE_START and text[i - 1] not in NO_LINE_END]


def laid_out_cuts(text: str, fonts) -> list[int]:
    """Return the offsets where balanced_title breaks the title."""
    lines = titles.balanced_title(text, fonts, "标题")
    cuts, at = [], 0
    for line in lines[:-1]:
        at += len(line.text)
        cuts.append(at)
    return cuts


def measure(name: str, gold, fonts) -> dict:
    """Return the counts and timing for one method."""
    seg, prot = METHODS[name]
    titles.inside_word_cuts = lambda text: segment.inside_word_cuts(text, seg, prot)
    false_allow = over = broken = wide = 0
    started = time.perf_counter()
    for text, allowed in gold:
        forbidden = segment.inside_word_cuts(text, seg, prot)
        for offset in breakable(text):
            false_allow += offset not in allowed and offset not in forbidden
            over += offset in allowed and offset in forbidden
        cuts = laid_out_cuts(text, fonts)
        broken += any(cut not in allowed for cut in cuts)
        widths = [line.width() for line in titles.balanced_title(text, fonts, "标题")]
        wide += max(widths) > titles.BLOCK_W * titles.MAX_SHARE + 0.5
    seconds = time.perf_counter() - started
    return {"false_allow": false_allow, "over": over, "broken": broken, "wide": wide, "seconds": seconds}


def import_seconds() -> float:
    """Return how long `import rjieba` takes in a fresh interpreter (its dictionary loads then)."""
    code = "import time; t = time.perf_counter(); import rjieba; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)


def main() -> int:
    """Print the comparison; return 1 if the chosen method breaks a title."""
    fonts, gold = fontset(), gold_titles()
    segment.jieba_words("预热")  # load rjieba once, outside the timings
    results = {name: measure(name, gold, fonts) for name in METHODS}
    for name in METHODS:  # time again now that every cache is warm
        segment.inside_word_cuts.cache_clear()
        results[name]["seconds"] = measure(name, gold, fonts)["seconds"]
    base = results["terms list"]["seconds"]
    print(f"{len(gold)} titles, {sum(len(breakable(t)) for t, _ in gold)} places a break is allowed by CJK rules")
    print(f"{'method':<16} {'false breaks':>12} {'over-protected':>14} {'broken titles':>13} {'> 90 %':>6} "
          f"{'time ×':>7}")
    for name, r in results.items():
        print(f"{name:<16} {r['false_allow']:>12} {r['over']:>14} {r['broken']:>13} {r['wide']:>6} "
              f"{r['seconds'] / base:>7.2f}")
    print(f"import rjieba (dictionary load, once per process): {import_seconds():.2f} s")
    return 0 if results[CHOSEN]["broken"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
