"""Print a sample circular (and its pages as PNG) to check the format and an office's configured fonts.

    python -m inspection.pdf.sample OUT_DIR [--font-dir DIR] [--draft] [--dpi 60]

Writes OUT_DIR/sample-circular.pdf and, when poppler's pdftoppm is installed, OUT_DIR/page-N.png.
The photos are drawn here (a sign-in sheet), so the sample needs no data.
"""
from __future__ import annotations

import argparse
import gzip
import io
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from . import build_circular
from .document import Attachment, Block, CircularDocument, PhotoEntry, Table
from .fonts import shipped_source

FINDINGS = [
    ("县住房和城乡建设局", "11月18日8:50", "签到册人数不全，王堃、李玥2人由他人代签", "办公室"),
    ("县教育和体育局", "11月18日9:30", "张喆昇（股长）不在岗，无请假手续，电话核实称“外出办事”，经查无外出审批", "教育股"),
    ("县交通运输局", "11月19日15:10", "请销假台账登记不全，3人请假未履行审批手续", "人事股"),
    ("县卫生健康委员会", "11月19日16:20", "公务用车停放在干部私人住宅附近，无派车单", "停车场"),
    ("县综合行政执法局", "11月20日10:05", "2名工作人员上班时间浏览购物网站", "执法大队"),
]


def _font(size: int, role: str = "fangsong") -> ImageFont.FreeTypeFont:
    """Return a shipped face for drawing on the sample photos (names are signed: 楷体, which has all of GBK)."""
    with open(shipped_source(role).path, "rb") as handle:
        return ImageFont.truetype(io.BytesIO(gzip.decompress(handle.read())), size)


def sample_photo(path: Path, unit: str, seed: int) -> None:
    """Draw a photo-like picture of a sign-in sheet on a desk."""
    image = Image.new("RGB", (1600, 1200), (120 + seed * 9, 92, 70))
    draw = ImageDraw.Draw(image)
    draw.polygon([(260, 90), (1380, 140), (1330, 1130), (200, 1080)], fill=(246, 244, 236))
    font, small, hand = _font(46), _font(34), _font(46, "kaiti")
    draw.text((420, 160), f"{unit} 签到册", font=font, fill=(30, 30, 30))
    names = ["王堃", "李玥", "赵珺", "刘赟", "陈昇", "周镕", "吴磊", "郑洁"]
    for row in range(9):
        y = 260 + row * 88
        draw.line([(250, y), (1340, y + 10)], fill=(90, 90, 90), width=3)
        if row:
            draw.text((300, y - 66), f"{row}", font=small, fill=(40, 40, 40))
            draw.text((420, y - 70), names[(row + seed) % len(names)], font=hand, fill=(20, 30, 120))
            draw.text((820, y - 66), f"8:{(row * 7 + seed) % 60:02d}", font=small, fill=(20, 30, 120))
    image.save(path, "JPEG", quality=88)


def sample_document(photo_dir: Path, draft: bool = False) -> CircularDocument:
    """Return a realistic 暗访通报 with a findings table and a photo annex."""
    body = [
        Block("p", "为进一步加强干部作风建设，严肃工作纪律，根据县纪委监委2026年工作安排，11月18日至20日，县纪委监委机关联合"
                   "县委组织部、县直机关工委组成4个暗访组，采取“四不两直”方式，对全县26个县直单位工作纪律执行情况进行了"
                   "明察暗访。现将有关情况通报如下。"),
        Block("h1", "一、基本情况"),
        Block("p", "此次暗访共检查县直单位26个，查看签到册26本，抽查干部职工412人，发现问题18个，涉及单位11个、干部职工23人。"
                   "其中，考勤管理问题7个，占38.9%；在岗在位问题6个，占33.3%；请销假管理问题5个，占27.8%。从检查情况看，"
                   "大部分单位能够严格执行工作纪律，干部职工精神饱满、工作有序，但仍有少数单位纪律松弛、管理不严。"),
        Block("h1", "二、发现的主要问题"),
        Block("h2", "（一）考勤管理不严格"),
    ]
    for number, (unit, when, problem, _place) in enumerate(FINDINGS[:3], start=1):
        body.append(Block("h3", f"{number}. {unit}：{when}，暗访组发现该单位{problem}。"))
    body.append(Block("h2", "（二）公车管理和在岗在位不到位"))
    for number, (unit, when, problem, _place) in enumerate(FINDINGS[3:], start=4):
        body.append(Block("h3", f"{number}. {unit}：{when}，暗访组发现该单位{problem}。"))
    body += [
        Block("h1", "三、处理意见"),
        Block("p", "对上述问题，由县纪委监委对相关单位主要负责人进行提醒谈话，责令相关责任人作出书面检查；对王堃、张喆昇等"
                   "6名干部予以批评教育。对问题突出的县教育和体育局予以通报批评。"),
        Block("h1", "四、工作要求"),
        Block("p", "（一）立行立改。各被通报单位要举一反三，于12月10日前将整改情况书面报送县纪委监委党风政风监督室。",
              lead="（一）立行立改。"),  # run-in headings: the phrase in 楷体, the rest in 仿宋
        Block("p", "（二）持续督查。县纪委监委将适时开展“回头看”，对整改不力、问题反弹的，依规依纪严肃追责问责。",
              lead="（二）持续督查。"),
    ]
    photos = []
    for i, (unit, when, problem, place) in enumerate(FINDINGS[:4]):
        path = photo_dir / f"photo-{i}.jpg"
        sample_photo(path, unit, i)
        photos.append(PhotoEntry(str(path), unit, f"2026年{when}", place, problem))
    categories = ("考勤管理", "在岗在位", "请销假管理", "公务用车", "工作作风")
    persons = ("王堃（办公室副主任）、李玥（科员）", "张喆昇（股长）", "", "刘赟（驾驶员）", "赵珺、陈昇（科员）")
    table = Table(["序号", "单位", "时间", "地点", "问题类别", "问题描述", "涉及人员"],
                  [[str(i), u, w, x, categories[i - 1], p, persons[i - 1]]
                   for i, (u, w, p, x) in enumerate(FINDINGS, start=1)])  # 7 columns: set landscape, as issued
    return CircularDocument(
        organ_mark="中共示例县纪律检查委员会办公室", doc_number="示纪办通〔2026〕7号",
        title="关于2026年第三批“三查三治”纪律作风明察暗访情况的通报", recipients="各乡镇党委、县直各单位：",
        body=body, signature="中共示例县纪律检查委员会办公室", date=date(2026, 11, 28),
        attachments=[Attachment("问题清单", "table", table=table), Attachment("暗访照片", "photos", photos=photos)],
        copy_number="000012", security=None, urgency=None,
        cc="县委办公室，县人大常委会办公室，县政府办公室，县政协办公室。", printer="中共示例县纪律检查委员会办公室",
        print_date=date(2026, 11, 28), trace_line="本件发：县住房和城乡建设局　份号000012", draft=draft)


def main(argv: list[str] | None = None) -> None:
    """Write the sample PDF and its page images."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--font-dir", default=None)
    parser.add_argument("--draft", action="store_true")
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = build_circular(sample_document(Path(tmp), args.draft), font_dir=args.font_dir)
    target = args.out / "sample-circular.pdf"
    target.write_bytes(pdf)
    print(f"{target}: {len(pdf) / 1e6:.2f} MB")
    if shutil.which("pdftoppm"):
        for old in args.out.glob("page-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(target), str(args.out / "page")], check=True)
        print(f"page images in {args.out}")


if __name__ == "__main__":
    main()
