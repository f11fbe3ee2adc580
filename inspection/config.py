"""Configuration read strictly from environment variables (see .env.example and README)."""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent  # the checkout; an installed wheel carries its data in PACKAGE_DIR / "_data"
SHIPPED_DATA = PACKAGE_DIR / "_data"  # written by setup.py's build hook into a wheel, never into a checkout
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(click.ClickException):
    """Raised when an environment variable is missing or malformed.

    Under the Flask CLI (`flask --app wsgi …`, `python -m inspection …`) click prints it as one line on
    stderr and exits with status 2; gunicorn.conf.py does the same before gunicorn starts a worker.
    """

    exit_code = 2

    def show(self, file=None) -> None:
        """Print the one-line message, never a traceback."""
        click.echo(f"configuration error: {self.format_message()}", file=file or sys.stderr)


def data_dir(name: str) -> Path:
    """Return templates/, static/ or migrations/: the installed wheel's copy, else the checkout's."""
    shipped = SHIPPED_DATA / name
    return shipped if shipped.is_dir() else ROOT / name


def instance_dir() -> Path:
    """Return INSTANCE_PATH, else instance/ in a checkout, else <prefix>/var/inspection-instance when installed."""
    raw = os.environ.get("INSTANCE_PATH", "").strip()
    if raw:
        path = Path(raw).expanduser()
        if not path.is_absolute():
            raise ConfigError(f"INSTANCE_PATH must be an absolute path, got {raw!r}")
        return path
    if SHIPPED_DATA.is_dir():
        return Path(sys.prefix) / "var" / "inspection-instance"
    return ROOT / "instance"


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Return the upper-cased value of `name`, which must be one of `choices`."""
    raw = os.environ.get(name) or default
    if raw.strip().upper() not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw.strip().upper()


def _bool(name: str, default: bool) -> bool:
    """Return the boolean value of `name` (1/0, true/false, yes/no, on/off), or `default` when unset."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def _proxy_hops(name: str) -> int:
    """Return how many reverse proxies stand in front of the app: a number 0-10 (true/false mean 1/0)."""
    raw = os.environ.get(name, "").strip().lower()
    if raw in {"", "0", "false", "no", "off"}:
        return 0
    if raw in {"true", "yes", "on"}:
        return 1
    if not raw.isdigit() or not 0 <= int(raw) <= 10:
        raise ConfigError(f"{name} must be the number of reverse proxies in front of the app (0-10), got {raw!r}")
    return int(raw)


def _rate_limit(name: str, default: str) -> str:
    """Return a Flask-Limiter limit string such as "30 per minute; 300 per hour", checked now."""
    from limits import parse_many

    raw = os.environ.get(name, "").strip() or default
    try:
        parse_many(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be rate limits like '30 per minute; 300 per hour', got {raw!r}") from exc
    return raw


def _int(name: str, default: int, minimum: int = 0) -> int:
    """Return the integer value of `name`, at least `minimum`, or `default` when unset."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _secret_key(instance_path: Path, env: str) -> str:
    """Return SECRET_KEY from the environment, or a generated one kept in instance/ in development."""
    key = os.environ.get("SECRET_KEY")
    if key:
        if len(key) < 32 and env == "production":
            raise ConfigError("SECRET_KEY must be at least 32 characters in production")
        return key
    if env == "production":
        raise ConfigError("SECRET_KEY must be set in production (APP_ENV=production)")
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _database_url(instance_path: Path) -> str:
    """Return DATABASE_URL for SQLAlchemy (psycopg 3 for PostgreSQL), else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'inspection.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    scheme, separator, _ = url.partition("://")
    if not separator or scheme not in {"sqlite", "postgresql+psycopg"}:
        # Name only the scheme: the rest of the URL may hold a password.
        shown = f"{scheme}://" if separator else "no scheme"
        raise ConfigError(f"DATABASE_URL must start with sqlite:/// or postgresql://, got {shown}")
    return url


def _check_fonts() -> None:
    """Refuse a FONT_DIR or FONT_<ROLE> that names nothing usable now, not when the first circular is issued."""
    from .pdf.fonts import ROLE_ENV, FontConfigError, configured_sources, font_options

    try:
        sources = configured_sources(**font_options({}))
    except FontConfigError as exc:
        raise ConfigError(str(exc)) from exc
    for role, source in sources.items():
        if not Path(source.path).is_file():
            raise ConfigError(f"{ROLE_ENV[role]} must name an existing font file, got {source.path!r}")


def load_config(instance_path: Path) -> dict:
    """Build the Flask config mapping from the environment."""
    _check_fonts()
    env = os.environ.get("APP_ENV", "development").strip().lower()
    if env not in {"development", "production", "testing"}:
        raise ConfigError(f"APP_ENV must be development, production or testing, got {env!r}")
    production = env == "production"
    photo_dir = Path(os.environ.get("PHOTO_DIR") or instance_path / "photos")
    return {
        "APP_ENV": env,
        "SECRET_KEY": _secret_key(instance_path, env),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PHOTO_DIR": str(photo_dir),
        "CIRCULAR_DIR": os.environ.get("CIRCULAR_DIR", ""),  # issued PDFs; empty: `circulars` beside PHOTO_DIR
        "EVIDENCE_DIR": os.environ.get("EVIDENCE_DIR", ""),  # 整改 PDF scans; empty: `evidence` beside PHOTO_DIR
        "RECTIFY_MAX_PDF_BYTES": _int("RECTIFY_MAX_PDF_BYTES", 10 * 1024 * 1024, minimum=1024),
        "RECTIFY_BLUE_DAYS": _int("RECTIFY_BLUE_DAYS", 3, minimum=0),  # 蓝色督办: due within this many days
        "RECTIFY_YELLOW_PERCENT": _int("RECTIFY_YELLOW_PERCENT", 50, minimum=1),  # 黄色: this share gone, none reported
        "MAX_PHOTO_BYTES": _int("MAX_PHOTO_BYTES", 15 * 1024 * 1024, minimum=1024),
        "MAX_PHOTO_PIXELS": _int("MAX_PHOTO_PIXELS", 50_000_000, minimum=10_000),
        "MAX_SYNC_BYTES": _int("MAX_SYNC_BYTES", 8 * 1024 * 1024, minimum=1024),
        "MAX_UPLOAD_PHOTO_BYTES": _int("MAX_UPLOAD_PHOTO_BYTES", 50 * 1024 * 1024, minimum=1024),  # resumable (tus)
        "MAX_UPLOAD_MEDIA_BYTES": _int("MAX_UPLOAD_MEDIA_BYTES", 200 * 1024 * 1024, minimum=1024),  # video, audio
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", ""),  # partial uploads; empty: `partial` inside PHOTO_DIR
        "UPLOAD_EXPIRY_HOURS": _int("UPLOAD_EXPIRY_HOURS", 168, minimum=1),  # purge untouched uploads after
        "PHOTO_TIME_WINDOW_MINUTES": _int("PHOTO_TIME_WINDOW_MINUTES", 120, minimum=0),  # review flag: photo vs visit
        "PHOTO_DISTANCE_METERS": _int("PHOTO_DISTANCE_METERS", 1000, minimum=1),  # review flag: photo vs unit
        "WATERMARK": _bool("WATERMARK", False),  # 水印 band (time, unit, place, team) on display and print copies
        "MAX_CONTENT_LENGTH": _int("MAX_PHOTO_BYTES", 15 * 1024 * 1024, minimum=1024) + 1024 * 1024,
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_HOURS", 12, minimum=1) * 3600,
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5, minimum=1),
        "LOGIN_LOCK_MINUTES": _int("LOGIN_LOCK_MINUTES", 15, minimum=1),
        "LOGIN_ACCOUNT_MAX_FAILURES": _int("LOGIN_ACCOUNT_MAX_FAILURES", 20, minimum=1),
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 30, minimum=0),  # 0: no idle limit
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "").strip() or "memory://",
        "LOGIN_RATE_LIMIT_IP": _rate_limit("LOGIN_RATE_LIMIT_IP", "30 per minute; 300 per hour"),
        "LOGIN_RATE_LIMIT_NAME": _rate_limit("LOGIN_RATE_LIMIT_NAME", "10 per minute; 60 per hour"),
        "WTF_CSRF_TIME_LIMIT": None,
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "demo-pass-2026"),
        "LOG_LEVEL": _choice("LOG_LEVEL", "INFO", LOG_LEVELS),
        "FONT_DIR": os.environ.get("FONT_DIR", ""),
        **{name: os.environ.get(name, "") for name in (
            "FONT_XIAOBIAOSONG", "FONT_FANGSONG", "FONT_HEITI", "FONT_KAITI", "FONT_LATIN", "FONT_LATIN_BOLD")},
        "TRUST_PROXY": _proxy_hops("TRUST_PROXY"),  # proxies in front of the app (ProxyFix x_for)
    }
