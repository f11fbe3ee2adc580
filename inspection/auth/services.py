"""Passwords, sign-in checks with lock-out, and device tokens: plain functions, no request globals."""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..sqltypes import utcnow
from ..extensions import db
from . import lockout
from .models import ApiToken, User
from .roles import LIAISON, ROLES

logger = logging.getLogger(__name__)

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 8


class AuthError(Exception):
    """A sign-in or account rule was broken; `code` is stable, `message` is shown to the user."""

    def __init__(self, code: str, message: str, *, retry_after: int | None = None):
        super().__init__(code)
        self.code = code
        self.message = message
        self.retry_after = retry_after


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short or all one kind of character."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError("weak_password", f"密码至少需要{MIN_PASSWORD_LENGTH}个字符")
    if password.isdigit() or password.isalpha():
        raise AuthError("weak_password", "密码需同时包含字母和数字或符号")


def verify_password(user: User, password: str) -> bool:
    """Check a password, rehashing it if the hash parameters have changed."""
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def lockout_policy(config) -> lockout.Policy:
    """Read the lock-out limits from the app config."""
    return lockout.Policy(max_failures=config["LOGIN_MAX_FAILURES"],
                          account_max_failures=config["LOGIN_ACCOUNT_MAX_FAILURES"],
                          lock_minutes=config["LOGIN_LOCK_MINUTES"])


def _locked(retry_after: int) -> AuthError:
    """The one answer for a locked name, the same whether or not the user exists."""
    minutes = max(1, -(-retry_after // 60))
    return AuthError("locked", f"登录失败次数过多，已暂停该账号从此处登录，请{minutes}分钟后再试", retry_after=retry_after)


def begin_sign_in(username: str, client: str, policy: lockout.Policy, *, now: datetime | None = None):
    """Reserve a sign-in attempt for a name from a client; raise AuthError("locked") without checking anything.

    The caller commits the reservation before `finish_sign_in`, so parallel guesses see each other.
    """
    try:
        return lockout.reserve(username.strip()[:64], client[:64], policy, now or utcnow())
    except lockout.Locked as exc:
        raise _locked(exc.retry_after) from None


def finish_sign_in(attempt: lockout.Attempt, password: str, policy: lockout.Policy, *, actor=None) -> User:
    """Check the password of a reserved attempt; return the user, or raise AuthError (same work for unknown names).

    `actor` is the anonymous Actor of the sign-in request (its IP goes on the lock-out's audit row).
    """
    user = db.session.scalar(select(User).where(User.username == attempt.username))
    if user is None:
        verify_dummy()  # spend the time of a real check so user names cannot be probed
        valid = False
    else:
        valid = verify_password(user, password)
    if not valid:
        lockout.fail(attempt, policy)
        if user is not None and attempt.account_attempts == policy.account_max_failures:
            record(actor, "user.locked", "user", user.id, f"{user.username} 登录失败次数过多，已暂停从新位置登录")
        raise AuthError("invalid_credentials", "用户名或密码错误")
    lockout.succeed(attempt)
    if not user.active:
        raise AuthError("disabled", "账号已停用，请联系管理员")
    user.last_login_at = attempt.now
    db.session.flush()
    return user


def authenticate(username: str, password: str, *, max_failures: int, lock_minutes: int,
                 account_max_failures: int | None = None, client: str = "", now: datetime | None = None) -> User:
    """Reserve and check a sign-in in one go (scripts and tests; views commit between the two steps)."""
    policy = lockout.Policy(max_failures, account_max_failures or max_failures * 4, lock_minutes)
    return finish_sign_in(begin_sign_in(username, client, policy, now=now), password, policy)


def end_sessions(user: User) -> None:
    """Bump the user's session generation: every browser session and remember cookie of theirs stops working."""
    user.session_generation = User.session_generation + 1  # one atomic UPDATE; the attribute reloads after flush
    db.session.flush()


def change_password(user: User, current: str, new: str, *, actor=None) -> None:
    """Change a user's own password after checking the current one (`actor`: the request's Actor, for its IP)."""
    if not verify_password(user, current):
        raise AuthError("invalid_credentials", "当前密码不正确")
    check_password_strength(new)
    if current == new:
        raise AuthError("same_password", "新密码不能与当前密码相同")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    end_sessions(user)  # other browsers signed in as this user must sign in with the new password
    record(actor or user, "user.password_changed", "user", user.id, f"{user.username} 修改了密码")
    db.session.flush()


def create_user(username: str, password: str, role: str, *, unit=None, display_name: str = "",
                actor: User | None = None, check_strength: bool = True) -> User:
    """Create an account; a liaison must belong to a unit, nobody else does."""
    username = username.strip()
    if not username or len(username) > 64:
        raise AuthError("invalid_username", "用户名不能为空且不超过64个字符")
    if role not in ROLES:
        raise AuthError("invalid_role", f"未知角色：{role}")
    if role == LIAISON and unit is None:
        raise AuthError("unit_required", "单位联络人必须指定所属单位")
    if role != LIAISON:
        unit = None
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AuthError("duplicate_username", f"用户名“{username}”已存在")
    if check_strength:
        check_password_strength(password)
    user = User(username=username, password_hash=hash_password(password), role=role,
                unit=unit, display_name=display_name.strip(), active=True, failed_logins=0)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", "user", user.id, f"创建用户 {username}（{user.role_label}）",
           after={"username": username, "role": role, "unit_id": unit.id if unit else None})
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, device_name: str, *, actor=None) -> tuple[ApiToken, str]:
    """Create a device token; return the row and the plain token (shown once, stored only hashed)."""
    plain = "it_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, device_name=device_name.strip()[:100] or "未命名设备",
                     token_hash=_token_digest(plain))
    db.session.add(token)
    db.session.flush()
    record(actor or user, "token.issue", "api_token", token.id, f"{user.username} 在设备“{token.device_name}”上登录")
    return token, plain


def user_for_token(plain: str, *, now: datetime | None = None) -> tuple[User, ApiToken] | None:
    """Return the active user and token for a bearer token, or None if unknown, revoked or disabled."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(plain))
                              .options(joinedload(ApiToken.user)))  # one query for both, on every API call
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now  # throttled so every request does not write
    return token.user, token


def revoke_token(token: ApiToken, *, actor: User) -> None:
    """Revoke a device token so the device must sign in again."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(actor, "token.revoke", "api_token", token.id,
               f"吊销 {token.user.username} 在“{token.device_name}”上的令牌")
        db.session.flush()


def verify_dummy() -> None:
    """Spend the time of one password check (used where no user exists)."""
    try:
        _hasher.verify(_DUMMY_HASH, "wrong")
    except VerifyMismatchError:
        pass
