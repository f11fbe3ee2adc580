"""Run a standard tus client (tuspy, which speaks HTTP through `requests`) against the test app in-process.

`FlaskAdapter` is a requests transport that hands each request to the Flask test client, so tuspy's real
requests (POST, HEAD, PATCH with its own headers) reach the real views and the test's database session.
`drop_next_patch(after)` makes the next PATCH lose its connection after `after` bytes: the server sees a
body shorter than its Content-Length (as when a phone's link drops) and tuspy sees a ConnectionError.
"""
from __future__ import annotations

import base64
import hashlib
import io
from urllib.parse import urlsplit

import requests
from flask import current_app
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from inspection.photos import uploads
from inspection.sync.tus import limits, upload_dir

BASE = "http://tus.test"
UPLOADS = f"{BASE}/api/v1/uploads"


class FlaskAdapter(BaseAdapter):
    """A requests adapter that answers from the Flask test client."""

    def __init__(self, app):
        super().__init__()
        self.client = app.test_client()
        self.requests: list[tuple[str, str, int]] = []  # (method, path, body bytes) of every request
        self._drop_after: int | None = None

    def drop_next_patch(self, after: int) -> None:
        """Cut the next PATCH's body after `after` bytes."""
        self._drop_after = after

    def send(self, request, **kwargs):
        """Hand one prepared request to the Flask app and wrap its answer as a requests.Response."""
        url = urlsplit(request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        body = request.body or b""
        body = body.read() if hasattr(body, "read") else body
        body = body.encode() if isinstance(body, str) else body
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"content-length", "content-type"}}
        content_type = request.headers.get("Content-Type")
        self.requests.append((request.method, url.path, len(body)))
        if request.method == "PATCH" and self._drop_after is not None:
            sent, self._drop_after = body[:self._drop_after], None
            self.requests[-1] = (request.method, url.path, len(sent))
            self.client.open(path, method="PATCH", headers=headers, content_type=content_type,
                             input_stream=io.BytesIO(sent), environ_overrides={"CONTENT_LENGTH": str(len(body))})
            raise requests.ConnectionError("the connection dropped")
        answer = self.client.open(path, method=request.method, headers=headers, data=body,
                                  content_type=content_type)
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        response._content = answer.get_data()
        response.url = request.url
        response.request = request
        response.reason = answer.status.partition(" ")[2]
        return response

    def close(self):
        """Nothing to release."""


def metadata(data: bytes, content_type: str = "image/jpeg", filename: str = "现场.jpg", **extra) -> dict:
    """The Upload-Metadata the field app sends (tuspy base64-encodes the values)."""
    return {"sha256": hashlib.sha256(data).hexdigest(), "content_type": content_type, "filename": filename,
            **{k: str(v) for k, v in extra.items()}}


def encode_metadata(values: dict) -> str:
    """Encode an Upload-Metadata header by hand (for requests made without tuspy)."""
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def start_upload(user) -> str:
    """Start a resumable upload of `user`'s through the service (nothing sent yet); return its id."""
    data = b"\xff\xd8\xff" + b"0" * 97
    upload = uploads.new_upload(upload_dir(), current_app.config["PHOTO_DIR"], owner=user, length=len(data),
                                metadata=metadata(data), limits=limits())
    return upload.id
