"""One JSON error envelope for the API, an HTML error page elsewhere; never a traceback."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .core.logs import current_request_id

logger = logging.getLogger(__name__)

# Stable machine-readable codes for HTTP statuses, used when no more specific code applies.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}

STATUS_MESSAGES = {
    400: "请求格式错误",
    401: "请先登录",
    403: "没有权限执行此操作",
    404: "页面或资源不存在",
    405: "不支持该请求方法",
    409: "操作与当前状态冲突",
    413: "提交的内容过大",
    415: "不支持的文件类型",
    422: "提交的数据有误",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误，请稍后再试",
    503: "服务暂不可用",
}


# The protection space named in `WWW-Authenticate` on the API's 401 answers (RFC 6750).
BEARER_REALM = "inspection-api"

# Headers of a Werkzeug HTTPException that describe its own HTML body, not the error: never copied over.
_BODY_HEADERS = {"content-type", "content-length"}


class ApiError(Exception):
    """An error with an HTTP status, a stable code, a Chinese message, optional details and headers."""

    def __init__(self, status: int, code: str | None = None, message: str | None = None,
                 details: dict | list | None = None, headers: dict[str, str] | None = None):
        super().__init__(code or STATUS_CODES.get(status, "error"))
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message or STATUS_MESSAGES.get(status, "请求失败")
        self.details = details or {}
        self.headers = dict(headers or {})


def wants_json() -> bool:
    """Tell whether the current request should get a JSON error rather than an HTML page."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def bearer_challenge() -> str:
    """The `WWW-Authenticate` value for an API 401: `invalid_token` when a bearer token was sent but refused."""
    sent_token = request.headers.get("Authorization", "").startswith("Bearer ")
    if sent_token and g.get("api_token") is None:
        return (f'Bearer realm="{BEARER_REALM}", error="invalid_token", '
                'error_description="The access token is invalid, expired or revoked"')
    return f'Bearer realm="{BEARER_REALM}"'


def error_response(status: int, code: str | None = None, message: str | None = None, details=None,
                   headers: dict[str, str] | None = None):
    """Render an error as the JSON envelope or the HTML error page, with the headers its status needs."""
    code = code or STATUS_CODES.get(status, "error")
    message = message or STATUS_MESSAGES.get(status, "请求失败")
    headers = dict(headers or {})
    if status == 401 and request.path.startswith("/api/"):
        headers.setdefault("WWW-Authenticate", bearer_challenge())  # RFC 9110 15.5.2: a 401 must carry one
    if wants_json():
        body = {"error": {"code": code, "message": message, "details": details or {},
                          "request_id": current_request_id()}}
        return jsonify(body), status, headers
    return render_template("error.html", status=status, message=message,
                           request_id=current_request_id()), status, headers


def http_exception_headers(exc: HTTPException) -> dict[str, str]:
    """The headers an HTTP exception carries for its status (Allow, Retry-After, WWW-Authenticate …)."""
    headers = {name: value for name, value in exc.get_headers() if name.lower() not in _BODY_HEADERS}
    if exc.response is not None:  # abort(response) or an extension's prepared answer (e.g. a rate limiter)
        headers.update({name: value for name, value in exc.response.headers.items()
                        if name.lower() not in _BODY_HEADERS})
    return headers


def register_error_handlers(app: Flask) -> None:
    """Install handlers so every error, expected or not, reaches the client in one shape."""

    @app.errorhandler(ApiError)
    def handle_api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.errorhandler(ValidationError)
    def handle_validation(exc: ValidationError):
        return error_response(422, "validation_error", "提交的数据有误", exc.messages)

    @app.errorhandler(CSRFError)
    def handle_csrf(exc: CSRFError):
        """A form of our own goes back (through sign-in if needed) to its page, text kept; else 400 csrf_failed."""
        from .auth.expiry import csrf_expired  # auth imports this module

        return (None if wants_json() else csrf_expired()) or error_response(
            400, "csrf_failed", "页面已过期或来源不明，请刷新后重试")

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        status = exc.code or 500
        return error_response(status, headers=http_exception_headers(exc))

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)
