"""Read PDFs the way a reader would: poppler's pdffonts, pdftotext (-bbox) and pdftoppm."""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

MM = 72 / 25.4

needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdffonts", "pdftotext", "pdftoppm", "pdfimages", "pdftohtml")),
    reason="poppler-utils is not installed",
)


@dataclass
class Word:
    """One word of pdftotext -bbox output, in points from the top-left corner."""

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def write(tmp_path: Path, pdf: bytes, name: str = "doc.pdf") -> Path:
    """Store PDF bytes in a file for the command-line tools."""
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def fonts(path: Path) -> list[dict]:
    """Return pdffonts rows as dicts (name, type, emb)."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name, type words..., encoding, emb, sub, uni, object, ID
        rows.append({"name": parts[0], "type": " ".join(parts[1:-6]), "emb": parts[-5], "line": line})
    return rows


def text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """Return pdftotext output (reading order)."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run(args + [str(path), "-"], check=True, capture_output=True, text=True).stdout


def pages(path: Path) -> list[str]:
    """Return the text of each page."""
    return text(path).split("\f")[:-1]


def words(path: Path) -> list[Word]:
    """Return every word with its box from pdftotext -bbox."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    result, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if match:
            x0, y0, x1, y1 = (float(match.group(i)) for i in range(1, 5))
            result.append(Word(page, unescape(match.group(5)), x0, y0, x1, y1))
    return result


def lines(page_words: list[Word], tolerance: float = 2.0) -> list[list[Word]]:
    """Group words into lines by their top edge, top to bottom, each line left to right."""
    rows: list[list[Word]] = []
    for word in sorted(page_words, key=lambda w: (w.y0, w.x0)):
        if rows and abs(rows[-1][0].y0 - word.y0) <= tolerance:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: w.x0) for row in rows]


def page_count(path: Path) -> int:
    """Return the number of pages."""
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def render(path: Path, out_dir: Path, dpi: int = 50, first: int | None = None, last: int | None = None) -> list[Path]:
    """Render pages to PNG with pdftoppm; return the files in page order."""
    args = ["pdftoppm", "-r", str(dpi), "-png"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    result = subprocess.run(args + [str(path), str(out_dir / "page")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr, result.stderr
    return sorted(out_dir.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))


def images_per_page(path: Path) -> dict[int, int]:
    """Return how many images each page draws (pdfimages -list)."""
    out = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True).stdout
    counts: dict[int, int] = {}
    for line in out.splitlines()[2:]:
        page = int(line.split()[0])
        counts[page] = counts.get(page, 0) + 1
    return counts


@dataclass
class Span:
    """One run of text in one font, from pdftohtml -xml (points from the top-left corner)."""

    page: int
    text: str
    font: str  # the embedded font's full name, e.g. AAAAAA+Inspection-kaiti-ARPLUKaiCN-Subset
    top: float
    left: float
    width: float
    size: float


def spans(path: Path) -> list[Span]:
    """Return every text run with the font poppler draws it in (pdftohtml -xml at 72 dpi)."""
    out = subprocess.run(["pdftohtml", "-xml", "-i", "-zoom", "1", "-fontfullname", "-stdout", str(path)],
                         check=True, capture_output=True).stdout.decode("utf-8", "replace")  # CESU-8 beyond the BMP
    faces: dict[str, tuple[str, float]] = {}
    result, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        if match := re.search(r'<fontspec id="(\d+)" size="([\d.]+)" family="([^"]+)"', line):
            faces[match.group(1)] = (match.group(3), float(match.group(2)))
        match = re.search(r'<text top="([\d.-]+)" left="([\d.-]+)" width="([\d.]+)" height="[\d.]+" '
                          r'font="(\d+)">(.*)</text>', line)
        if match:
            font, size = faces[match.group(4)]
            body = unescape(re.sub(r"</?[bi]>", "", match.group(5)))
            result.append(Span(page, body, font, float(match.group(1)), float(match.group(2)),
                               float(match.group(3)), size))
    return result
