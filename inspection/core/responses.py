"""HTTP responses shared by features: PDFs, downloads with Chinese file names, files streamed from disk."""
from __future__ import annotations

import io
import os
import tempfile
import weakref
from urllib.parse import quote

from flask import Response, send_file


def pdf_response(data: bytes, filename: str, *, download: bool) -> Response:
    """Send PDF bytes, inline or as a download, never cached by shared caches."""
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=download,
                         download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def set_attachment(response: Response, name: str, ascii_name: str) -> None:
    """Mark a response as a download with a Chinese file name, never cached."""
    response.headers["Content-Disposition"] = (
        f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(name, safe='')}")
    response.headers["Cache-Control"] = "no-store"


def file_chunks(path: str, size: int = 256 * 1024):
    """Yield a file's bytes in chunks, opening it only when the response is read."""
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def remove_file(path: str) -> None:
    """Delete a temporary file if it is still there."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spooled_download(write, *, mimetype: str, name: str, ascii_name: str, suffix: str) -> tuple[Response, object]:
    """Write a large export to a temporary file with `write(handle)`, then stream it as a download.

    Returns (response, what `write` returned). The file goes when the response does, read or not.
    """
    fd, path = tempfile.mkstemp(prefix="export-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            result = write(handle)
    except BaseException:
        remove_file(path)
        raise
    response = Response(file_chunks(path), mimetype=mimetype)
    response.content_length = os.path.getsize(path)
    weakref.finalize(response, remove_file, path)
    set_attachment(response, name, ascii_name)
    return response, result
