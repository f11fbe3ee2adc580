"""The sign-in fields' own text check: a name or password no encoder or database can hold is a field error."""
from __future__ import annotations

import re

# NUL and other C0/C1 controls (PostgreSQL cannot store NUL) and lone surrogates (no encoder can write them).
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_SECRET = re.compile(r"[\x00\ud800-\udfff]")

NAME_MESSAGE = "用户名含有无效字符"
PASSWORD_MESSAGE = "密码含有无效字符"


def bad_name(value) -> bool:
    """Tell whether a typed user name holds a control character or a lone surrogate."""
    return isinstance(value, str) and _BAD_NAME.search(value) is not None


def bad_secret(value) -> bool:
    """Tell whether a typed password holds NUL or a lone surrogate (it could not be hashed as typed)."""
    return isinstance(value, str) and _BAD_SECRET.search(value) is not None
