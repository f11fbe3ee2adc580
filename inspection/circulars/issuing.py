"""Issue a circular (印发): take its number, freeze its PDFs, make one numbered copy per recipient unit.

The PDFs carry the number, so they are built before the number is taken, with the number the organ's
counter says comes next; the number is then taken inside this transaction (numbering.py). Only when
another issuer got there first (rare) are the PDFs built again with the number actually taken. Either way
the slow work mostly happens before the counter is locked, so other writers are not held up.
"""
from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..audit.services import record
from ..core.dates import today_cst
from ..extensions import db
from ..pdf import LayoutError, MissingGlyphError, PhotoError, build_circular, glyph_message
from ..pdf.fonts import font_options
from ..pdf.stamping import Stamp, StampError, build_copies
from ..sqltypes import utcnow
from .assemble import CopySpec, document_for
from .models import Circular, CircularCopy
from .numbering import allocate_number, format_doc_number, peek_next_number
from .services import CircularError, ensure_draft, order_recipients, unconfirmed_items
from .period import current_phrase, period_mismatch
from .signals import circular_issued
from .storage import circular_dir, read_pdf, store_parts

logger = logging.getLogger(__name__)

ARCHIVE_TRACE = "发文机关存档"


@dataclass
class RenderSettings:
    """Where a build finds photos and fonts, and where issued PDFs are kept."""

    photo_dir: str | Path
    store_dir: Path
    fonts: dict = field(default_factory=dict)  # font_dir / font_paths for the PDF engine

    @classmethod
    def from_config(cls, config) -> "RenderSettings":
        """Read PHOTO_DIR, CIRCULAR_DIR and the font settings (FONT_DIR, FONT_*) from the app's config."""
        return cls(photo_dir=config["PHOTO_DIR"], store_dir=circular_dir(config), fonts=font_options(config))


@dataclass
class BuiltPdf:
    """One PDF ready to store: its bytes in consecutive parts (a stamped copy shares the first) and its hash."""

    parts: list[bytes]
    sha256: str

    @classmethod
    def of(cls, data: bytes) -> "BuiltPdf":
        """Wrap whole PDF bytes."""
        return cls([data], hashlib.sha256(data).hexdigest())

    @property
    def size(self) -> int:
        """Return the PDF's size in bytes."""
        return sum(len(part) for part in self.parts)


@contextmanager
def _pdf_errors():
    """Turn the PDF engine's errors into a CircularError the reviewer can act on."""
    try:
        yield
    except MissingGlyphError as exc:
        raise CircularError(glyph_message(exc)) from exc
    except LayoutError as exc:
        raise CircularError(exc.message) from exc
    except PhotoError as exc:
        raise CircularError(f"照片无法读取（{exc.where}），请检查照片文件后再试") from exc


def build_pdf(circular: Circular, settings: RenderSettings, *, number: int | None = None,
              year: int | None = None, doc_date: date | None = None, copy: CopySpec | None = None,
              draft: bool = True, builder=None) -> bytes:
    """Build one PDF of the circular; a missing glyph becomes a CircularError naming the character."""
    build = builder or build_circular
    doc = document_for(circular, photo_dir=settings.photo_dir, number=number, year=year, copy=copy,
                       draft=draft, doc_date=doc_date)
    with _pdf_errors():
        return build(doc, **settings.fonts)


def check_ready(circular: Circular) -> None:
    """Refuse to issue a circular that is incomplete or out of step with its findings."""
    ensure_draft(circular)
    if not circular.title.strip():
        raise CircularError("请填写通报标题")
    if not circular.recipients:
        raise CircularError("请至少选择一个主送单位")
    stale = unconfirmed_items(circular)
    if stale:
        raise CircularError(f"有{len(stale)}个纳入的问题已不是“已确认”状态，请重新生成草稿或取消纳入后再印发")
    pending = [s for s in circular.sections if s.pending is not None]
    if pending:
        raise CircularError("重新生成后有正文部分尚未确认采用或保留，请先处理")
    if not any(s.included and s.body.strip() for s in circular.sections):
        raise CircularError("通报正文为空")
    named = period_mismatch(circular)
    if named:
        raise CircularError(f"工作要求写的是“{named}”，与设置的整改期限“{current_phrase(circular)}”不一致，请修改其一")


def _copy_specs(circular: Circular) -> list[tuple[object, CopySpec]]:
    """Return (unit, what its copy carries) per recipient, the archive copy first (unit None)."""
    specs = [(None, CopySpec(trace_line=ARCHIVE_TRACE))]
    for i, recipient in enumerate(circular.recipients, start=1):
        copy_number = f"{i:06d}"
        specs.append((recipient.unit, CopySpec(copy_number=copy_number,
                                               trace_line=f"发{recipient.unit.name}　份号{copy_number}")))
    return specs


def _render_all(circular: Circular, settings: RenderSettings, number: int, year: int, doc_date: date,
                builder) -> tuple[BuiltPdf, list[tuple[object, str, str, BuiltPdf]]]:
    """Build the archive copy and every recipient's numbered copy.

    The circular is laid out and drawn once; each copy is that document with its own 份号 and trace line
    stamped on (pdf/stamping.py). A builder given by the caller (tests) builds every copy in full, as does a
    document the stamper cannot take.
    """
    specs = _copy_specs(circular)
    built = None
    if builder is None:
        doc = document_for(circular, photo_dir=settings.photo_dir, number=number, year=year, draft=False,
                           doc_date=doc_date)
        try:
            with _pdf_errors():
                stamped = build_copies(doc, [Stamp(s.copy_number, s.trace_line) for _, s in specs],
                                       **settings.fonts)
            built = [BuiltPdf([c.shared, c.tail], c.sha256) for c in stamped]
        except StampError as exc:
            logger.warning("circular %s: copies built in full (%s)", circular.id, exc)
    if built is None:
        built = [BuiltPdf.of(build_pdf(circular, settings, number=number, year=year, doc_date=doc_date,
                                       draft=False, copy=spec, builder=builder)) for _, spec in specs]
    copies = [(unit, spec.copy_number, spec.trace_line, pdf) for (unit, spec), pdf in zip(specs[1:], built[1:])]
    return built[0], copies


def issue(circular: Circular, *, actor, settings: RenderSettings, builder=None) -> Circular:
    """Issue the circular: number it, store its frozen PDFs with their hashes, make the copies."""
    check_ready(circular)
    order_recipients(circular)  # 主送 and 份号 follow the units' official order at issue
    doc_date = circular.doc_date or today_cst()
    year = doc_date.year
    organ_id = circular.organ_id
    predicted = peek_next_number(organ_id, year)
    archive, copies = _render_all(circular, settings, predicted, year, doc_date, builder)
    number = allocate_number(organ_id, year)  # from here the counter is locked until commit or rollback
    if number != predicted:
        logger.info("circular %s: number %s was taken meanwhile, rebuilding as %s", circular.id, predicted, number)
        archive, copies = _render_all(circular, settings, number, year, doc_date, builder)
    circular.pdf_path = store_parts(settings.store_dir, archive.parts, archive.sha256)
    circular.pdf_sha256 = archive.sha256
    for unit, copy_number, trace, pdf in copies:
        path = store_parts(settings.store_dir, pdf.parts, pdf.sha256)
        circular.copies.append(CircularCopy(unit=unit, copy_number=copy_number, trace_line=trace, pdf_path=path,
                                            pdf_sha256=pdf.sha256, pdf_size=pdf.size))
    circular.status = "issued"
    circular.year, circular.number = year, number
    circular.doc_number = format_doc_number(circular.organ.number_prefix, year, number)
    circular.doc_date = doc_date
    circular.print_date = circular.print_date or doc_date
    circular.issued_at = utcnow()
    circular.issued_by_id = getattr(actor, "id", None)
    db.session.flush()
    record(actor, "circular.issued", "circular", circular.id, f"印发通报{circular.doc_number}“{circular.title}”",
           after={"doc_number": circular.doc_number, "sha256": circular.pdf_sha256, "copies": len(copies)})
    circular_issued.send(circular, actor=actor)  # 整改 items (rectification/hooks.py)
    logger.info("circular %s issued as %s with %d copies", circular.id, circular.doc_number, len(copies))
    return circular


def archive_pdf(circular: Circular, *, actor, settings: RenderSettings) -> bytes:
    """Return the issued archive copy, verified against its hash, and log who fetched it."""
    data = read_pdf(settings.store_dir, circular.pdf_path, circular.pdf_sha256)
    record(actor, "circular.downloaded", "circular", circular.id, f"下载通报{circular.doc_number}（存档本）")
    return data


def copy_pdf(copy: CircularCopy, *, actor, settings: RenderSettings) -> bytes:
    """Return one recipient's copy, verified against its hash, and log who downloaded which copy when."""
    data = read_pdf(settings.store_dir, copy.pdf_path, copy.pdf_sha256)
    copy.download_count += 1
    copy.last_downloaded_at = utcnow()
    db.session.flush()
    record(actor, "circular.copy_downloaded", "circular_copy", copy.id,
           f"下载通报{copy.circular.doc_number}第{copy.copy_number}份（{copy.unit.name}）",
           after={"circular": copy.circular_id, "copy_number": copy.copy_number, "unit": copy.unit_id})
    return data


def receive(copy: CircularCopy, *, actor) -> bool:
    """Sign for receipt of a copy (签收); return False when it was already signed for."""
    if copy.received_at is not None:
        return False
    copy.received_at = utcnow()
    copy.received_by_id = actor.id
    db.session.flush()
    record(actor, "circular.received", "circular_copy", copy.id,
           f"签收通报{copy.circular.doc_number}第{copy.copy_number}份（{copy.unit.name}）")
    return True
