"""Where a title may break: between words, never inside one.

Words come from rjieba (the jieba dictionary of some 350,000 words, segmented in Rust) and from
title_words.txt, the trade's fixed terms that a general dictionary splits in two (专项|整治 are two words
to jieba, one term to a reader). A number keeps the unit that follows it (2026年, 5个). bench/title_breaks.py
measures this against the terms list alone on the real titles of tests/pdf/data/circular_titles.txt; see
docs/fonts.md ("Title breaks").

rjieba loads its dictionary when it is first imported (about 0.2 s, once per process); that happens on
the first title laid out, not when the package is imported, and never downloads anything.
"""
from __future__ import annotations

import importlib
import re
import threading
from functools import lru_cache
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("title_words.txt")
# The name of a unit (县住房和城乡建设局, 市人民法院) is one word however a dictionary splits it.
UNIT_NAME = re.compile(r"[县市区乡镇][^，、。：；“”（）《》的对及与等各]{1,10}?"
                       r"(?:局|委员会|办公室|人民法院|人民检察院|中心|大队)")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def terms() -> tuple[str, ...]:
    """Return the protected terms, longest first."""
    lines = TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(sorted({line.strip() for line in lines if line.strip() and not line.startswith("#")},
                        key=len, reverse=True))


@lru_cache(maxsize=1)
def _segmenter():
    """Return rjieba's module-level segmenter, imported (and its dictionary loaded) on first use."""
    with _lock:
        return importlib.import_module("rjieba")


def jieba_words(text: str, hmm: bool = True) -> list[tuple[int, int]]:
    """Return (start, end) character spans of the words rjieba finds in text."""
    return [(start, end) for _word, start, end in _segmenter().tokenize(text, "default", hmm)]


def term_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of every protected term occurring in text."""
    spans = []
    for term in terms():
        start = text.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = text.find(term, start + 1)
    return spans


def _number_spans(text: str) -> list[tuple[int, int]]:
    """Return spans joining an ASCII number to the character after it (2026年, 5个, 12345热线 is left alone)."""
    spans = []
    for i in range(1, len(text)):
        if text[i - 1].isascii() and text[i - 1].isdigit() and not (text[i].isascii() or text[i] in "，、。："):
            start = i - 1
            while start > 0 and text[start - 1].isascii() and text[start - 1].isdigit():
                start -= 1
            if i - start <= 4:  # a year, a count or a date; a long number (a hotline) stands on its own
                spans.append((start, i + 1))
    return spans


def _unit_spans(text: str) -> list[tuple[int, int]]:
    """Return spans of unit names (县教育和体育局)."""
    return [match.span() for match in UNIT_NAME.finditer(text)]


@lru_cache(maxsize=512)
def inside_word_cuts(text: str, segmenter: bool = True, protected: bool = True) -> frozenset[int]:
    """Return the offsets at which cutting text (before text[offset]) would split a word."""
    spans = _number_spans(text)
    if protected:
        spans += _unit_spans(text)
    if segmenter:
        spans += jieba_words(text)
    if protected:
        spans += term_spans(text)
    return frozenset(cut for start, end in spans for cut in range(start + 1, end))
