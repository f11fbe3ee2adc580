"""Configuration read strictly from environment variables (see .env.example and README)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised when an environment variable is missing or malformed."""


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def _int(name: str, default: int, minimum: int = 0) -> int:
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
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'inspection.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def load_config(instance_path: Path) -> dict:
    """Build the Flask config mapping from the environment."""
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
        "MAX_PHOTO_BYTES": _int("MAX_PHOTO_BYTES", 15 * 1024 * 1024, minimum=1024),
        "MAX_PHOTO_PIXELS": _int("MAX_PHOTO_PIXELS", 50_000_000, minimum=10_000),
        "MAX_SYNC_BYTES": _int("MAX_SYNC_BYTES", 8 * 1024 * 1024, minimum=1024),
        "MAX_CONTENT_LENGTH": _int("MAX_PHOTO_BYTES", 15 * 1024 * 1024, minimum=1024) + 1024 * 1024,
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_HOURS", 12, minimum=1) * 3600,
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5, minimum=1),
        "LOGIN_LOCK_MINUTES": _int("LOGIN_LOCK_MINUTES", 15, minimum=1),
        "WTF_CSRF_TIME_LIMIT": None,
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "demo-pass-2026"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        "FONT_DIR": os.environ.get("FONT_DIR", ""),
        **{name: os.environ.get(name, "") for name in (
            "FONT_XIAOBIAOSONG", "FONT_FANGSONG", "FONT_HEITI", "FONT_KAITI", "FONT_LATIN", "FONT_LATIN_BOLD")},
        "TRUST_PROXY": _bool("TRUST_PROXY", False),
    }
