"""Benchmark the circular PDF builder: 200 findings and 200 photos against bare reportlab, same run.

Generates N phone-sized display photos (1600×1200 JPEG, ~380 kB each, noisy like real photos), then times
  * baseline: reportlab drawing the same photos, one per bare A4 page (canvas.drawImage of the files);
  * circular, cold: build_circular with N findings in the body, a findings table annex and the photo annex,
    the first time (each photo is decoded and downscaled to its print size once);
  * circular, from disk: the memory cache emptied, as in another worker process or after a restart (the
    print copies made once are read back from beside the photos);
  * circular, warm: the same build again, as for the next recipient's numbered copy (print copies reused);
and prints a table with seconds, the ratio to the baseline (target for the builds that reuse print
copies: ≤ 2×) and the file size (target: < 25 MB). After one warm-up of each side (fonts, the baseline),
the baseline and the two reusing builds take turns `repeat` times, so each turn gives one paired ratio;
the table shows the median of those ratios with their min–max, and the target is judged on the median.
The cold build happens once by definition; its ratio is to the median baseline. The size target is a
fixed limit, not a timing: the file is what gets sent to the recipient units, and its size does not
depend on the machine. Run standalone (`python bench/circular_bench.py`), as a module
(`python -m bench.circular_bench`) or through the `python -m bench` runner (which calls `main`).
Options: --findings N, --photos N, --repeat N, --keep DIR (write the PDFs there).
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from inspection.pdf import build_circular  # noqa: E402
from inspection.pdf.document import Attachment, Block, CircularDocument, PhotoEntry, Table  # noqa: E402
from inspection.pdf.images import clear_cache  # noqa: E402

TARGET_RATIO = 2.0
TARGET_BYTES = 25_000_000
UNITS = ("县教育和体育局", "县住房和城乡建设局", "县公安局", "县交通运输局", "县信访局", "县人民法院", "县工业和信息化局",
         "县卫生健康委员会", "县综合行政执法局", "县自然资源局")
PROBLEMS = ("签到册人数不全，多人由他人代签", "工作时间脱岗，无请假手续", "请销假台账登记不全", "公务用车停放在私人住宅附近",
            "办公用房超标准配置", "上班时间浏览与工作无关的网页")
NAMES = ("王堃", "李玥", "张喆", "刘昇", "陈珺", "杨赟", "赵镕", "黄磊")


def make_photos(directory: Path, count: int) -> list[str]:
    """Write `count` noisy 1600×1200 JPEGs (different content each) and return their paths."""
    paths = []
    gradient = Image.linear_gradient("L").resize((1600, 1200))
    for i in range(count):
        noise = Image.effect_noise((800, 600), 20 + i % 7).resize((1600, 1200), Image.Resampling.BILINEAR)
        image = Image.merge("RGB", [noise, gradient, Image.eval(noise, lambda v, k=i: (255 - v + k) % 256)])
        draw = ImageDraw.Draw(image)
        for x in range(0, 1600, 100):
            draw.line([(x + i, 0), (1600 - x, 1200)], fill=(30, 30, 30), width=5)
        path = directory / f"photo-{i:03d}.jpg"
        image.save(path, "JPEG", quality=85)
        paths.append(str(path))
    return paths


def make_circular(photos: list[str], findings: int) -> CircularDocument:
    """Return a circular with `findings` numbered findings, a findings table and a photo annex."""
    body = [Block("p", "为进一步加强干部作风建设，严肃工作纪律，11月18日至20日，县纪委监委组成4个暗访组，"
                       "采取“四不两直”方式，对全县县直单位进行了明察暗访。现将有关情况通报如下。"),
            Block("h1", "一、发现的主要问题")]
    rows = []
    for i in range(findings):
        unit, problem, name = UNITS[i % len(UNITS)], PROBLEMS[i % len(PROBLEMS)], NAMES[i % len(NAMES)]
        body.append(Block("h3", f"{i + 1}. {unit}：11月{18 + i % 3}日{8 + i % 9}:{i % 60:02d}，暗访组发现该单位"
                                f"{problem}，涉及{name}（办公室副主任）。"))
        rows.append([str(i + 1), unit, problem, name])
    body += [Block("h1", "二、处理意见"), Block("p", "对上述问题，由相关单位主要负责人对责任人进行提醒谈话。"),
             Block("h1", "三、工作要求"),
             Block("p", "（一）立行立改。各单位要于12月10日前书面报送整改情况。", lead="（一）立行立改。")]
    entries = [PhotoEntry(path, UNITS[i % len(UNITS)], f"2026年11月{18 + i % 3}日 {8 + i % 9}:{i % 60:02d}",
                          "办公楼三楼", PROBLEMS[i % len(PROBLEMS)]) for i, path in enumerate(photos)]
    return CircularDocument(
        organ_mark="中共示例县纪律检查委员会办公室", doc_number="示纪办通〔2026〕7号",
        title="关于2026年第三批“三查三治”纪律作风明察暗访情况的通报", recipients="各乡镇党委、县直各单位：",
        body=body, signature="中共示例县纪律检查委员会办公室", date=date(2026, 11, 28),
        attachments=[Attachment("问题清单", "table", table=Table(["序号", "单位", "问题", "涉及人员"], rows, [1, 4, 7, 2])),
                     Attachment("暗访照片", "photos", photos=entries)],
        copy_number="000001", cc="县委办公室，县政府办公室。", printer="中共示例县纪律检查委员会办公室",
        trace_line="本件发：县住房和城乡建设局 份号000001")


def baseline(photos: list[str]) -> bytes:
    """Draw each photo on its own bare A4 page with reportlab and return the PDF."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width, height = A4
    for path in photos:
        canvas.drawImage(path, 79.4, 200, width=442.2, height=331.6, preserveAspectRatio=True)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def timed(function, *args) -> tuple[float, bytes]:
    """Return the seconds one call took and its result."""
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def run(findings: int, photo_count: int, repeat: int, keep: Path | None) -> list[dict]:
    """Run the benchmark and return rows of results."""
    with tempfile.TemporaryDirectory(prefix="circular-bench-") as tmp:
        photos = make_photos(Path(tmp), photo_count)
        source_bytes = sum(Path(p).stat().st_size for p in photos)
        doc = make_circular(photos, findings)
        build_circular(make_circular(photos[:1], 1))  # load and register the fonts outside the timings
        clear_cache()
        baseline(photos)  # warm-up: the photo files read once, reportlab's image path loaded
        cold_s, cold_pdf = timed(build_circular, doc)
        turns = []  # (baseline s, from disk s, warm s), taken in turn
        for _ in range(max(1, repeat)):
            base_t, base_pdf = timed(baseline, photos)
            disk_t, disk_pdf = timed(lambda d: clear_cache() or build_circular(d), doc)
            warm_t, warm_pdf = timed(build_circular, doc)
            turns.append((base_t, disk_t, warm_t))
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / "baseline.pdf").write_bytes(base_pdf)
            (keep / "circular.pdf").write_bytes(warm_pdf)
    base_s = statistics.median(t[0] for t in turns)
    disk = [t[1] / t[0] for t in turns]
    warm = [t[2] / t[0] for t in turns]
    return [
        {"case": f"baseline: {photo_count} photos on bare pages", "seconds": base_s, "ratios": [1.0],
         "bytes": len(base_pdf), "note": f"source photos {source_bytes / 1e6:.1f} MB"},
        {"case": "circular, cold (downscale each photo once)", "seconds": cold_s, "ratios": [cold_s / base_s],
         "bytes": len(cold_pdf), "note": ""},
        {"case": "circular, print copies from disk", "seconds": statistics.median(t[1] for t in turns),
         "ratios": disk, "bytes": len(disk_pdf), "note": _verdict(disk, len(disk_pdf))},
        {"case": "circular, warm (print copies in memory)", "seconds": statistics.median(t[2] for t in turns),
         "ratios": warm, "bytes": len(warm_pdf), "note": _verdict(warm, len(warm_pdf))},
    ]


def _verdict(ratios: list[float], size: int) -> str:
    """Say whether a build that reuses print copies meets the targets (the median of its paired ratios), and which it misses."""
    misses = ([f"time > {TARGET_RATIO:g}×"] if statistics.median(ratios) > TARGET_RATIO else []) + (
        [f"size ≥ {TARGET_BYTES / 1e6:g} MB"] if size >= TARGET_BYTES else [])
    return "ok" if not misses else "MISSES TARGET (" + ", ".join(misses) + ")"


def print_table(rows: list[dict], findings: int, photos: int, repeat: int) -> None:
    """Print the results."""
    print(f"circular PDF: {findings} findings, {photos} photos; median of {repeat} paired turns (min–max) "
          f"(targets: reusing print copies ≤ {TARGET_RATIO:.0f}× baseline, < {TARGET_BYTES / 1e6:.0f} MB)")
    print(f"{'case':<48} {'seconds':>8} {'× base (min–max)':>20} {'MB':>7}  note")
    for row in rows:
        ratios = row["ratios"]
        ratio = f"{statistics.median(ratios):.2f}" + (f" ({min(ratios):.2f}–{max(ratios):.2f})" if len(ratios) > 1
                                                      else "")
        print(f"{row['case']:<48} {row['seconds']:>8.2f} {ratio:>20} {row['bytes'] / 1e6:>7.2f}  {row['note']}")


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print; return 0 when the targets are met, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings", type=int, default=200)
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = run(args.findings, args.photos, args.repeat, args.keep)
    print_table(rows, args.findings, args.photos, max(1, args.repeat))
    return 0 if all(row["note"] == "ok" for row in rows[2:]) else 1  # _verdict: "ok" or "MISSES TARGET (…)"


if __name__ == "__main__":
    sys.exit(main())
