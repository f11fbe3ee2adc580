"""Draw demo evidence photos with Pillow, in Chinese: a 签到册 page, a 请假条, a desk with no one at it, a form.

The shipped fonts are gzip-compressed TrueType files (inspection/pdf/fonts/*.ttf.gz); they are opened from
memory. Nothing is downloaded, and no English is ever drawn: without a font the demo stops.
"""
from __future__ import annotations

import gzip
import io
import random
import re
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from ..pdf.fonts import shipped_source

INK = (25, 40, 125)  # blue ballpoint
PRINT = (35, 35, 35)
RULE = (120, 120, 130)
PAPER = (246, 243, 232)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红建国志"
REASONS = ("家中有事", "身体不适，前往医院就诊", "孩子学校开家长会", "办理个人证件", "陪同家人就医")
FORMS = (("车", "公务用车使用登记表", ("日期", "车号", "用车事由", "驾驶人")),
         ("接待|吃喝|饮酒", "公务接待审批单", ("日期", "来宾单位", "人数", "经办人")),
         ("津补贴|福利", "津补贴发放登记表", ("月份", "项目", "金额（元）", "领取人")),
         ("礼品|礼金", "礼品礼金登记表", ("日期", "赠送单位", "物品", "经办人")),
         ("费", "费用报销登记表", ("日期", "事由", "金额（元）", "经办人")),
         ("用房|家具", "办公用房使用情况登记表", ("房间号", "使用人", "面积（㎡）", "备注")),
         ("借调|脱产|培训|职务", "干部在岗情况登记表", ("姓名", "职务", "去向", "审批文号")),
         ("来电|来访|窗口|群众|便民", "来电来访登记簿", ("日期", "来访人", "事由", "办理情况")))


@lru_cache(maxsize=4)
def _font_bytes(face: str) -> bytes:
    """Return a shipped font's TrueType bytes (the files are .ttf.gz)."""
    with open(shipped_source(face).path, "rb") as handle:
        return gzip.decompress(handle.read())


@lru_cache(maxsize=32)
def _font(face: str, size: int) -> ImageFont.FreeTypeFont:
    """Return a shipped CJK font (fangsong for print, kaiti for handwriting, heiti for titles) at a size."""
    return ImageFont.truetype(io.BytesIO(_font_bytes(face)), size)


def scene_for(title: str) -> str:
    """Choose what the photo shows from the checklist item's wording."""
    if re.search("签到|代签|补签|考勤|打卡|迟到|早退", title):
        return "signin"
    if re.search("请假|销假|休假", title):
        return "leave"
    if re.search("在岗|到岗|脱岗|离岗|溜号|空岗|串岗|上班时间", title):
        return "desk"
    return "form"


class _Canvas:
    """A Pillow drawing that records every text it draws (so tests can check the language)."""

    def __init__(self, size: tuple[int, int], seed: int):
        self.rng = random.Random(seed)
        self.image = Image.new("RGB", size, (self.rng.randint(70, 110), self.rng.randint(60, 90),
                                             self.rng.randint(50, 70)))
        self.draw = ImageDraw.Draw(self.image)
        self.texts: list[str] = []

    def text(self, xy, text: str, face: str, size: int, fill=PRINT, jitter: int = 0) -> None:
        """Draw a text (handwriting gets a small random offset per character)."""
        self.texts.append(text)
        font = _font(face, size)
        if not jitter:
            self.draw.text(xy, text, fill=fill, font=font)
            return
        x, y = xy
        for char in text:
            self.draw.text((x, y + self.rng.randint(-jitter, jitter)), char, fill=fill, font=font)
            x += font.getlength(char) + self.rng.randint(-2, 3)

    def centred(self, cx: float, y: float, text: str, face: str, size: int, fill=PRINT) -> None:
        """Draw a text centred on cx."""
        self.text((cx - _font(face, size).getlength(text) / 2, y), text, face, size, fill)

    def jpeg(self) -> bytes:
        """Return the picture as a JPEG."""
        out = io.BytesIO()
        self.image.save(out, "JPEG", quality=82)
        return out.getvalue()


def _name(rng: random.Random) -> str:
    """Return a made-up two- or three-character name."""
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def _stamp(canvas: _Canvas, lines: list[str]) -> None:
    """Print the camera's date stamp and the place in the lower right corner, as a phone camera does."""
    when = lines[0] if lines else ""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})", when)
    if match:
        year, month, day, hour, minute = match.groups()
        when = f"{year}年{int(month)}月{int(day)}日 {hour}:{minute}"
    place = lines[1] if len(lines) > 1 else ""
    w, h = canvas.image.size
    for offset, text in enumerate(reversed([t for t in (when, place) if t])):
        width = _font("heiti", 34).getlength(text)
        canvas.text((w - width - 40, h - 70 - offset * 48), text, "heiti", 34, fill=(255, 200, 40))


def _paper(canvas: _Canvas, box) -> None:
    """Lay a sheet of paper on the table, slightly off square."""
    canvas.draw.rectangle(box, fill=PAPER)


def _signin(canvas: _Canvas, lines: list[str]) -> None:
    """A 签到册 page: printed table, names in one hand for several rows (代签), some rows left empty."""
    rng = canvas.rng
    w, h = canvas.image.size
    left, top, right = int(w * 0.12), int(h * 0.06), int(w * 0.88)
    _paper(canvas, [left, top, right, int(h * 0.95)])
    canvas.centred((left + right) / 2, top + 25, "干部职工考勤签到册", "heiti", 50)
    month = re.match(r"\d{4}-(\d{2})-(\d{2})", lines[0] if lines else "")
    day = f"{int(month.group(1))}月{int(month.group(2))}日" if month else "11月  日"
    canvas.text((left + 40, top + 100), f"日期：{day}　　上午", "fangsong", 32)
    columns = (("序号", 0.10), ("姓名", 0.26), ("签到时间", 0.22), ("签退时间", 0.22), ("备注", 0.20))
    y0, pitch, rows = top + 160, 62, 13
    table_w = right - left - 60
    x = left + 30
    xs = [x]
    for _, share in columns:
        x += table_w * share
        xs.append(x)
    for i in range(rows + 2):
        canvas.draw.line([(xs[0], y0 + i * pitch), (xs[-1], y0 + i * pitch)], fill=RULE, width=2)
    for x in xs:
        canvas.draw.line([(x, y0), (x, y0 + (rows + 1) * pitch)], fill=RULE, width=2)
    for (label, _), x1, x2 in zip(columns, xs, xs[1:]):
        canvas.centred((x1 + x2) / 2, y0 + 14, label, "heiti", 30)
    filled = rng.randint(7, 10)
    proxy = set(rng.sample(range(filled), 3))  # one hand signs for three people
    for row in range(rows):
        y = y0 + (row + 1) * pitch + 12
        canvas.centred((xs[0] + xs[1]) / 2, y, str(row + 1), "fangsong", 30)
        if row >= filled:
            continue
        hand_size = 38 if row in proxy else rng.randint(34, 42)
        jitter = 1 if row in proxy else 4
        canvas.text((xs[1] + 20, y - 4), _name(rng), "kaiti", hand_size, INK, jitter=jitter)
        canvas.text((xs[2] + 20, y - 2), f"8:{rng.randint(0, 29):02d}", "kaiti", 34, INK, jitter=jitter)
    _stamp(canvas, lines)


def _leave(canvas: _Canvas, lines: list[str]) -> None:
    """A 请假条 with the reason and days filled in by hand and the approval box left blank."""
    rng = canvas.rng
    w, h = canvas.image.size
    left, top, right, bottom = int(w * 0.18), int(h * 0.12), int(w * 0.82), int(h * 0.88)
    _paper(canvas, [left, top, right, bottom])
    canvas.centred((left + right) / 2, top + 40, "请　假　条", "heiti", 60)
    name, days = _name(rng), rng.randint(1, 3)
    y = top + 160
    canvas.text((left + 50, y), "单位领导：", "fangsong", 36)
    canvas.text((left + 120, y + 70), "本人因", "fangsong", 36)
    canvas.text((left + 240, y + 64), rng.choice(REASONS), "kaiti", 38, INK, jitter=3)
    canvas.text((left + 50, y + 140), f"需请假　{days}　天，请予批准。", "fangsong", 36)
    canvas.text((right - 380, y + 250), "请假人：", "fangsong", 36)
    canvas.text((right - 230, y + 244), name, "kaiti", 42, INK, jitter=3)
    canvas.text((right - 380, y + 320), "日　期：", "fangsong", 36)
    canvas.text((right - 230, y + 316), f"{rng.randint(10, 11)}月{rng.randint(1, 28)}日", "kaiti", 38, INK, jitter=3)
    box_top = y + 410
    canvas.draw.rectangle([left + 50, box_top, right - 50, bottom - 40], outline=RULE, width=2)
    canvas.text((left + 70, box_top + 20), "分管领导审批意见：", "fangsong", 34)
    canvas.text((left + 70, box_top + 150), "主要领导审批意见：", "fangsong", 34)
    _stamp(canvas, lines)


def _desk(canvas: _Canvas, lines: list[str]) -> None:
    """An office desk with no one at it: computer on, chair empty, the post sign on the desk."""
    rng = canvas.rng
    w, h = canvas.image.size
    canvas.draw.rectangle([0, 0, w, int(h * 0.55)], fill=(214, 214, 204))  # wall
    canvas.draw.rectangle([0, int(h * 0.55), w, h], fill=(150, 140, 128))  # floor
    desk_top, desk_left, desk_right = int(h * 0.50), int(w * 0.14), int(w * 0.86)
    canvas.draw.polygon([(desk_left, desk_top), (desk_right, desk_top), (desk_right + 60, desk_top + 90),
                         (desk_left - 60, desk_top + 90)], fill=(122, 84, 52))
    canvas.draw.rectangle([desk_left - 60, desk_top + 90, desk_right + 60, desk_top + 130], fill=(96, 64, 40))
    canvas.draw.rectangle([desk_left - 40, desk_top + 130, desk_left + 10, h - 60], fill=(96, 64, 40))
    canvas.draw.rectangle([desk_right - 10, desk_top + 130, desk_right + 40, h - 60], fill=(96, 64, 40))
    mx = int(w * 0.40)
    canvas.draw.rectangle([mx, desk_top - 300, mx + 380, desk_top - 60], fill=(30, 30, 34))  # monitor, on
    canvas.draw.rectangle([mx + 14, desk_top - 286, mx + 366, desk_top - 74], fill=(70, 110, 160))
    canvas.draw.rectangle([mx + 170, desk_top - 60, mx + 210, desk_top + 10], fill=(40, 40, 44))
    canvas.draw.rectangle([mx + 110, desk_top + 10, mx + 270, desk_top + 26], fill=(40, 40, 44))
    canvas.draw.rectangle([int(w * 0.20), desk_top + 6, int(w * 0.33), desk_top + 40], fill=(238, 236, 226))
    canvas.draw.rectangle([int(w * 0.205), desk_top - 24, int(w * 0.325), desk_top + 8], fill=(200, 60, 50))
    sign_x = int(w * 0.64)
    canvas.draw.rectangle([sign_x, desk_top - 80, sign_x + 260, desk_top + 16], fill=(250, 250, 245), outline=RULE)
    canvas.centred(sign_x + 130, desk_top - 70, rng.choice(("综合股", "业务股", "办公室", "财务股")), "heiti", 34)
    canvas.centred(sign_x + 130, desk_top - 26, _name(rng), "fangsong", 34)
    cx = int(w * 0.50)  # the chair, pushed back and empty
    canvas.draw.rectangle([cx - 130, desk_top + 170, cx + 130, desk_top + 400], fill=(46, 46, 52))
    canvas.draw.rectangle([cx - 150, desk_top + 390, cx + 150, desk_top + 440], fill=(36, 36, 40))
    canvas.draw.line([(cx, desk_top + 440), (cx, h - 40)], fill=(30, 30, 30), width=14)
    canvas.text((int(w * 0.08), int(h * 0.08)), "工作时间　8:30—12:00　14:30—17:30", "fangsong", 32, (60, 60, 60))
    _stamp(canvas, lines)


def _form(canvas: _Canvas, title: str, lines: list[str]) -> None:
    """A printed register (vehicle use, reception, expenses, office space) with handwritten rows."""
    rng = canvas.rng
    w, h = canvas.image.size
    heading, columns = "工作登记簿", ("日期", "事项", "经办人", "备注")
    for word, form_title, form_columns in FORMS:
        if re.search(word, title):
            heading, columns = form_title, form_columns
            break
    left, top, right = int(w * 0.12), int(h * 0.08), int(w * 0.88)
    _paper(canvas, [left, top, right, int(h * 0.94)])
    canvas.centred((left + right) / 2, top + 30, heading, "heiti", 48)
    y0, pitch = top + 130, 70
    xs = [left + 30 + (right - left - 60) * i / len(columns) for i in range(len(columns) + 1)]
    for i in range(12):
        canvas.draw.line([(xs[0], y0 + i * pitch), (xs[-1], y0 + i * pitch)], fill=RULE, width=2)
    for x in xs:
        canvas.draw.line([(x, y0), (x, y0 + 11 * pitch)], fill=RULE, width=2)
    for label, x1, x2 in zip(columns, xs, xs[1:]):
        canvas.centred((x1 + x2) / 2, y0 + 16, label, "heiti", 30)
    for row in range(1, rng.randint(5, 9)):
        y = y0 + row * pitch + 14
        canvas.text((xs[0] + 14, y), f"{rng.randint(9, 11)}月{rng.randint(1, 28)}日", "kaiti", 32, INK, jitter=3)
        canvas.text((xs[-2] + 14, y), _name(rng), "kaiti", 34, INK, jitter=3)
    _stamp(canvas, lines)


def render_photo(title: str, lines: list[str], seed: int, size=(1600, 1200)) -> tuple[bytes, list[str]]:
    """Draw the evidence a checklist item calls for; return the JPEG and every text drawn on it."""
    canvas = _Canvas(size, seed)
    scene = scene_for(title)
    if scene == "signin":
        _signin(canvas, lines)
    elif scene == "leave":
        _leave(canvas, lines)
    elif scene == "desk":
        _desk(canvas, lines)
    else:
        _form(canvas, title, lines)
    return canvas.jpeg(), canvas.texts


def draw_photo(title: str, lines: list[str], seed: int, size=(1600, 1200)) -> bytes:
    """Draw a photo-like JPEG of the evidence for a checklist item (title) with the camera's stamp (lines).

    lines: [time stamp "YYYY-MM-DD HH:MM", place, description]; deterministic for a seed.
    """
    return render_photo(title, lines, seed, size)[0]
