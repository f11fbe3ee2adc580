"""Resumable uploads (tus 1.0, served by sync/tus.py): partial files on disk, owned by their uploader.

Each upload is two files in the upload folder: `<id>.json` (owner, length, the file's SHA-256, declared
type, name, provenance, times) and `<id>.part` (the bytes received so far; its size is the offset). Every
acknowledged byte is fsynced before the answer. One PATCH at a time per upload (an flock on `<id>.lock`).
On the last byte the file is hashed and stored by the photo pipeline (services.ingest_photo) or the media
pipeline (media.ingest_media_file), with the same checks, answers and possession rules as `PUT`; a refused
file's partial upload is discarded. An upload of a file the uploader already holds is complete at once.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ..extensions import db
from ..sqltypes import utcnow
from .media import declared_media_type, file_sha256, ingest_media_file, read_head, sniff_media
from .models import Photo
from .possession import holds
from .services import PhotoError, check_hash, ingest_photo, sniff_mime
from .storage import SHA256_RE, has_all_variants, variant_path, write_atomic

logger = logging.getLogger(__name__)

UPLOAD_ID_RE = re.compile(r"^[0-9a-f]{32}$")
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
CHECKSUM_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
PROVENANCE_KEYS = ("original_sha256", "original_size", "original_width", "original_height")
_BLOCK = 256 * 1024


@dataclass(frozen=True)
class Limits:
    """The configured limits an upload is held to."""

    photo_bytes: int
    media_bytes: int
    max_pixels: int
    expiry_hours: int

    @property
    def largest(self) -> int:
        """The largest upload accepted of any type (tus `Tus-Max-Size`)."""
        return max(self.photo_bytes, self.media_bytes)


@dataclass
class Upload:
    """One resumable upload's state (what `<id>.json` holds, and where its files are)."""

    id: str
    owner_id: int
    length: int
    sha256: str
    content_type: str
    filename: str
    created_at: str
    provenance: dict | None = None
    complete: bool = False
    folder: str = field(default="", compare=False)

    @property
    def info_path(self) -> Path:
        """The state file."""
        return Path(self.folder) / f"{self.id}.json"

    @property
    def part_path(self) -> Path:
        """The bytes received so far."""
        return Path(self.folder) / f"{self.id}.part"

    @property
    def offset(self) -> int:
        """How many bytes the server holds (all of them once complete)."""
        if self.complete:
            return self.length
        try:
            return self.part_path.stat().st_size
        except FileNotFoundError:
            return 0

    def touched_at(self) -> datetime:
        """The last time a byte arrived (or the creation time)."""
        created = datetime.fromisoformat(self.created_at)
        try:
            return max(created, datetime.fromtimestamp(self.part_path.stat().st_mtime, tz=created.tzinfo))
        except FileNotFoundError:
            return created

    def expires_at(self, limits: Limits) -> datetime:
        """When the purge may remove the upload (tus `Upload-Expires`)."""
        return self.touched_at() + timedelta(hours=limits.expiry_hours)


def limit_for(content_type: str, limits: Limits) -> int:
    """The size limit of a declared type; PhotoError 415 when the type is not accepted."""
    if content_type in PHOTO_TYPES:
        return limits.photo_bytes
    if declared_media_type(content_type):
        return limits.media_bytes
    raise PhotoError(415, "unsupported_media_type", "仅支持 JPEG、PNG、WebP 照片，MP4、WebM、MOV 视频和 M4A、AAC、"
                                                   "WebM、MP3 音频", {"content_type": content_type[:100]})


def new_upload(upload_dir: str | Path, photo_dir: str | Path, *, owner, length: int, metadata: dict,
               limits: Limits) -> Upload:
    """Create an upload for `owner` (complete at once when the server has the file and they hold it)."""
    sha256 = metadata.get("sha256", "")
    if not SHA256_RE.match(sha256):
        raise PhotoError(422, "invalid_sha256", "文件校验值须为64位小写十六进制SHA-256")
    content_type = metadata.get("content_type", "").strip().lower()
    maximum = limit_for(content_type, limits)
    if length > maximum:
        raise PhotoError(413, "too_large", f"文件超过{maximum // (1024 * 1024)}MB上限",
                         {"max_bytes": maximum, "size": length})
    upload = Upload(id=uuid.uuid4().hex, owner_id=owner.id, length=length, sha256=sha256,
                    content_type=content_type, filename=metadata.get("filename", ""),
                    provenance=metadata.get("provenance"), created_at=utcnow().isoformat(), folder=str(upload_dir))
    Path(upload_dir).mkdir(parents=True, exist_ok=True)
    upload.complete = _already_held(photo_dir, sha256, owner.id)
    if not upload.complete:
        upload.part_path.touch()
    _save(upload)
    logger.info("user %s started upload %s of %s (%d bytes, %s)", owner.id, upload.id, sha256[:12], length,
                content_type)
    return upload


def _already_held(photo_dir: str | Path, sha256: str, owner_id: int) -> bool:
    """Tell whether the server has every file of this photo or recording and the user holds it."""
    photo = db.session.get(Photo, sha256)
    if photo is None:
        return False
    on_disk = (variant_path(photo_dir, sha256, "original").exists() if photo.is_media
               else has_all_variants(photo_dir, sha256))
    return on_disk and sha256 in holds(owner_id, [sha256])


def _save(upload: Upload) -> None:
    """Write the upload's state file atomically."""
    state = {k: v for k, v in asdict(upload).items() if k != "folder"}
    write_atomic(upload.info_path, json.dumps(state, ensure_ascii=False).encode())


def _read(path: Path) -> Upload | None:
    """Read one state file (None when it is gone or unreadable)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        return Upload(**state, folder=str(path.parent))
    except (OSError, ValueError, TypeError):
        return None


def load_upload(upload_dir: str | Path, upload_id: str, *, owner_id: int) -> Upload:
    """Return the user's upload; PhotoError 404 for an unknown id or someone else's (the same answer)."""
    upload = _read(Path(upload_dir) / f"{upload_id}.json") if UPLOAD_ID_RE.match(upload_id) else None
    if upload is None or upload.owner_id != owner_id:
        raise PhotoError(404, "not_found", "上传任务不存在或已过期")
    return upload


@contextlib.contextmanager
def locked(upload: Upload):
    """Hold the upload's lock for one PATCH; PhotoError 423 while another PATCH of it runs."""
    with open(Path(upload.folder) / f"{upload.id}.lock", "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PhotoError(423, "upload_locked", "该文件正在上传中，请稍后重试") from None
        try:
            current = _read(upload.info_path)
            if current is None:  # discarded while this request waited
                raise PhotoError(404, "not_found", "上传任务不存在或已过期")
            yield current
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def receive(upload: Upload, read, *, offset: int, declared_length: int | None,
            checksum: tuple[str, bytes] | None) -> int:
    """Append a PATCH body at `offset` (under `locked`); return the new offset.

    `read(n)` returns up to n bytes ('' at the end) and raises ConnectionError when the client went away:
    the bytes received are kept (fsynced), unless a checksum was sent, then the chunk is dropped.
    """
    if upload.complete or not upload.part_path.exists():
        raise PhotoError(409, "offset_mismatch", "上传偏移量与服务器不一致", {"offset": upload.offset})
    start = upload.offset
    if offset != start:
        raise PhotoError(409, "offset_mismatch", "上传偏移量与服务器不一致", {"offset": start})
    remaining = upload.length - start
    if declared_length is not None and declared_length > remaining:
        raise PhotoError(413, "too_large", "上传的数据超出文件声明的长度", {"max_bytes": remaining})
    digest = CHECKSUM_ALGORITHMS[checksum[0]]() if checksum else None
    written, cut, overflow = 0, False, False
    with open(upload.part_path, "r+b") as handle:
        handle.seek(start)
        try:
            while True:
                block = read(min(_BLOCK, remaining - written + 1))
                if not block:
                    break
                if written + len(block) > remaining:
                    overflow = True
                    break
                handle.write(block)
                written += len(block)
                if digest:
                    digest.update(block)
        except ConnectionError:
            cut = True
        if overflow or (checksum and (cut or digest.digest() != checksum[1])):
            handle.truncate(start)
        handle.flush()
        os.fsync(handle.fileno())
    if overflow:
        raise PhotoError(413, "too_large", "上传的数据超出文件声明的长度", {"max_bytes": remaining})
    if checksum and not cut and digest.digest() != checksum[1]:
        raise PhotoError(460, "checksum_mismatch", "本段数据校验失败，请重新发送这一段")
    if cut:
        logger.info("upload %s cut off at %d of %d bytes", upload.id, upload.offset, upload.length)
        raise PhotoError(400, "upload_interrupted", "上传中断，请查询进度后继续")
    return start + written


def finish(upload: Upload, photo_dir: str | Path, *, actor, limits: Limits) -> tuple[Photo, bool]:
    """Verify and store a fully received upload as `PUT` would; a refused file's partial is discarded."""
    path = upload.part_path
    try:
        actual = file_sha256(path)
        check_hash(actual, upload.sha256)
        head = read_head(path)
        if sniff_mime(head):
            return ingest_photo(photo_dir, path.read_bytes(), expected_sha256=upload.sha256, actor=actor,
                                max_bytes=limits.photo_bytes, max_pixels=limits.max_pixels,
                                provenance=upload.provenance)
        declared = declared_media_type(upload.content_type)
        if sniff_media(head, declared):
            return ingest_media_file(photo_dir, path, expected_sha256=upload.sha256, declared=declared,
                                     actor=actor, max_bytes=limits.media_bytes, actual_sha256=actual)
        raise PhotoError(415, "unsupported_media_type", "文件不是可接受的照片、视频或音频格式")
    except PhotoError:
        discard(upload)
        raise


def settle(upload: Upload) -> None:
    """Mark a stored upload complete (after the view committed) and drop its partial file."""
    upload.complete = True
    _save(upload)
    upload.part_path.unlink(missing_ok=True)
    (Path(upload.folder) / f"{upload.id}.lock").unlink(missing_ok=True)  # later PATCHes: 409, nothing to guard


def discard(upload: Upload) -> None:
    """Delete an upload's files (termination, a refused file, or the purge)."""
    for suffix in (".part", ".json", ".lock"):
        (Path(upload.folder) / f"{upload.id}{suffix}").unlink(missing_ok=True)


def purge_uploads(upload_dir: str | Path, *, older_than_hours: int, dry_run: bool = False) -> list[str]:
    """Delete uploads (partial or finished) untouched for longer than the given age; return their ids."""
    folder = Path(upload_dir)
    if not folder.is_dir():
        return []
    cutoff = utcnow() - timedelta(hours=older_than_hours)
    purged = []
    for info in sorted(folder.glob("*.json")):
        upload = _read(info)
        if upload is None or upload.touched_at() >= cutoff:
            continue
        purged.append(upload.id)
        if not dry_run:
            discard(upload)
    if purged and not dry_run:
        logger.info("purged %d upload(s) untouched for %d hours", len(purged), older_than_hours)
    return purged
