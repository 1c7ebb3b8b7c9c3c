"""Passwords (argon2 via pwdlib), signed session cookies with a CSRF token, API bearer tokens
and a login rate limit."""

import hmac
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer
from pwdlib import PasswordHash

SESSION_COOKIE = "movescreen_session"
LOGIN_CSRF_COOKIE = "movescreen_login_csrf"


def password_hasher() -> PasswordHash:
    return PasswordHash.recommended()  # argon2id


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    """False for a coach with no password (the batch owner) or a wrong password."""
    if not hashed:
        password_hasher().hash(password)  # same time either way: no username probing
        return False
    return password_hasher().verify(password, hashed)


@dataclass(frozen=True)
class SessionData:
    coach_id: int
    csrf: str


@dataclass(frozen=True)
class TokenData:
    coach_id: int
    token_id: str  # recorded in the logins table until revoked


class Signer:
    """Signs and checks session cookies and API tokens (both expire after ``max_age_s``)."""

    def __init__(self, secret: str, max_age_s: float) -> None:
        self._cookies = URLSafeTimedSerializer(secret, salt="movescreen-session")
        self._tokens = URLSafeTimedSerializer(secret, salt="movescreen-api-token")
        self.max_age_s = max_age_s

    def session_cookie(self, coach_id: int) -> tuple[str, str]:
        """A new session's cookie value and its token (also its CSRF token)."""
        token = secrets.token_urlsafe(24)
        return self._cookies.dumps({"c": coach_id, "x": token}), token

    def read_session(self, value: str | None) -> SessionData | None:
        data = self._load(self._cookies, value)
        return None if data is None else SessionData(int(data["c"]), str(data["x"]))

    def api_token(self, coach_id: int) -> tuple[str, str]:
        """A new bearer token and its id (recorded server-side, so that it can be revoked)."""
        token_id = secrets.token_urlsafe(24)
        return self._tokens.dumps({"c": coach_id, "x": token_id}), token_id

    def read_token(self, value: str | None) -> TokenData | None:
        """The coach and token id of a valid, unexpired bearer token (None otherwise)."""
        data = self._load(self._tokens, value)
        if data is None or "x" not in data:
            return None
        return TokenData(int(data["c"]), str(data["x"]))

    def _load(self, serializer: URLSafeTimedSerializer, value: str | None) -> dict | None:
        if not value:
            return None
        try:
            data = serializer.loads(value, max_age=self.max_age_s)
        except BadSignature:
            return None
        return data if isinstance(data, dict) and "c" in data else None


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens; False when either is missing."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


@dataclass
class LoginLimiter:
    """At most ``attempts`` failed logins per (username, address) within ``window_s``."""

    attempts: int
    window_s: float
    _failures: dict[tuple[str, str], deque[float]] = field(
        default_factory=lambda: defaultdict(deque))

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        q = self._failures[key]
        now = time.monotonic()
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def blocked(self, username: str, address: str) -> bool:
        return len(self._recent((username.lower(), address))) >= self.attempts

    def failed(self, username: str, address: str) -> None:
        self._recent((username.lower(), address)).append(time.monotonic())

    def succeeded(self, username: str, address: str) -> None:
        self._failures.pop((username.lower(), address), None)
