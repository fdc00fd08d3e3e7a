"""Accounts (tenants), their plan, and the API keys that authenticate them.

A raw API key is shown once, when created; only its SHA-256 is stored (a key
is 256 random bits, so a fast hash is enough: there is nothing to brute-force),
plus its first characters so the merchant can tell keys apart.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shelfcast.accounts import repository as repo
from shelfcast.accounts.models import Account, ApiKey, Language, Plan, User
from shelfcast.db.base import utcnow
from shelfcast.errors import Conflict, FieldError, InvalidInput, NotFound, shown

KEY_PREFIX = "sc_"
KEY_BYTES = 32
SHOWN_PREFIX_LENGTH = 11
NAME_LENGTH = 200
# A key's last use is recorded at most this often: no write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Far longer than any key we issue: anything longer is not worth hashing.
_MAX_RAW_KEY_LENGTH = 200
# Control characters, and lone surrogates (which no database can store as UTF-8).
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def _name_problem(name: str, *, required: bool) -> str | None:
    if required and not name:
        return f"must not be empty (1 to {NAME_LENGTH} characters)"
    if len(name) > NAME_LENGTH:
        return f"must be at most {NAME_LENGTH} characters (got {len(name)})"
    if _CONTROL.search(name):
        return "must not contain control characters such as line breaks"
    return None


def _plan(value: str) -> Plan | None:
    try:
        return Plan(value.strip().lower())
    except ValueError:
        return None


def _plan_problem(value: str) -> str:
    allowed = ", ".join(plan.value for plan in Plan)
    return f"unknown plan {shown(value)}; allowed plans: {allowed}"


def create_account(session: Session, name: str, plan: str) -> Account:
    """A new merchant on ``plan`` (hobby, startup or business; case-insensitive)."""
    checked_name = name.strip()
    checked_plan = _plan(plan)
    errors: list[FieldError] = []
    name_problem = _name_problem(checked_name, required=True)
    if name_problem:
        errors.append(FieldError(("name",), name_problem))
    if checked_plan is None:
        errors.append(FieldError(("plan",), _plan_problem(plan)))
    if errors or checked_plan is None:
        raise InvalidInput(errors)
    return repo.add_account(session, checked_name, checked_plan.value)


def get_account(session: Session, account_id: int) -> Account:
    account = repo.get_account(session, account_id)
    if account is None:
        raise NotFound(f"no account with id {account_id}")
    return account


def set_plan(session: Session, account_id: int, plan: str) -> Account:
    """Move an account to another plan; feed limits follow from it at once."""
    checked = _plan(plan)
    if checked is None:
        raise InvalidInput.one(("plan",), _plan_problem(plan))
    account = get_account(session, account_id)
    repo.set_plan(session, account, checked.value)
    return account


def delete_accounts_named(session: Session, name: str) -> int:
    """Delete every account called ``name`` with all it owns; answers how many.

    For the demo, which replaces its own account on each run. Built feed files
    on disk are not touched here.
    """
    return repo.delete_accounts_named(session, name)


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def create_api_key(session: Session, account_id: int, name: str = "") -> tuple[ApiKey, str]:
    """A new key for the account; the raw key is returned here and never again."""
    checked_name = name.strip()
    problem = _name_problem(checked_name, required=False)
    if problem:
        raise InvalidInput.one(("name",), problem)
    get_account(session, account_id)
    raw_key = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    api_key = repo.add_api_key(
        session,
        account_id,
        checked_name,
        prefix=raw_key[:SHOWN_PREFIX_LENGTH],
        key_hash=hash_api_key(raw_key),
    )
    return api_key, raw_key


def authenticate_api_key(session: Session, raw_key: str) -> Account | None:
    """The account of an active key, or None (unknown, malformed or revoked key).

    Records the use in ``last_used_at`` when the recorded one is over a minute
    old, so steady traffic costs one write a minute per key, not one per request.
    """
    if (
        not raw_key.startswith(KEY_PREFIX)
        or len(raw_key) > _MAX_RAW_KEY_LENGTH
        or not raw_key.isascii()
    ):
        return None
    found = repo.active_key_by_hash(session, hash_api_key(raw_key))
    if found is None:
        return None
    api_key, account = found
    now = utcnow()
    stale_before = now - LAST_USED_RESOLUTION
    if api_key.last_used_at is None or api_key.last_used_at < stale_before:
        repo.touch_api_key(session, api_key.id, now, stale_before)
    return account


def list_api_keys(session: Session, account_id: int) -> Sequence[ApiKey]:
    """All the account's keys, revoked ones included (with ``revoked_at``), oldest first."""
    return repo.list_api_keys(session, account_id)


def revoke_api_key(session: Session, account_id: int, key_id: int) -> ApiKey:
    """Stop a key from authenticating; revoking a revoked key changes nothing."""
    api_key = repo.get_api_key(session, account_id, key_id)
    if api_key is None:
        raise NotFound(f"no API key with id {key_id}")
    if api_key.revoked_at is None:
        repo.revoke_api_key(session, api_key, utcnow())
    return api_key


# --- users of the web UI -------------------------------------------------------------------
#
# Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory
# profile); a hash made with older parameters is replaced at the next sign-in.

EMAIL_LENGTH = 320
PASSWORD_MIN_LENGTH = 8
# Long enough for any passphrase, short enough that hashing it costs nothing extra.
PASSWORD_MAX_LENGTH = 1024
GENERATED_PASSWORD_BYTES = 12  # 16 characters, 96 bits
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the email is unknown, so a sign-in attempt
    takes as long whether or not the address has an account."""
    return _hasher.hash(secrets.token_urlsafe(16))


def normalize_email(email: str) -> str:
    return email.strip().lower()


def generate_password() -> str:
    """A random password for a new user, to be shown once."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def create_user(session: Session, account_id: int, email: str, password: str) -> User:
    """A user who signs in to the account's web UI; emails are unique across accounts
    (stored lower-cased) and passwords are 8 to 1024 characters."""
    checked_email = normalize_email(email)
    errors: list[FieldError] = []
    if len(checked_email) > EMAIL_LENGTH or not _EMAIL.fullmatch(checked_email):
        errors.append(FieldError(("email",), "must be an email address such as ana@example.com"))
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        errors.append(
            FieldError(
                ("password",),
                f"must be {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters"
                f" (got {len(password)})",
            )
        )
    if errors:
        raise InvalidInput(errors)
    get_account(session, account_id)
    taken = f"email: a user with email {shown(checked_email)} already exists"
    if repo.find_user_by_email(session, checked_email) is not None:
        raise Conflict(taken)
    try:
        return repo.add_user(session, account_id, checked_email, _hasher.hash(password))
    except IntegrityError as error:  # a concurrent request created it meanwhile
        raise Conflict(taken) from error


def authenticate_user(session: Session, email: str, password: str) -> User | None:
    """The user with this email and password, or None (unknown email or wrong password:
    callers must not tell which)."""
    if len(password) > PASSWORD_MAX_LENGTH:
        return None
    user = repo.find_user_by_email(session, normalize_email(email))
    if user is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_dummy_hash(), password)
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        repo.set_password_hash(session, user, _hasher.hash(password))
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """End every session of the user (sign-out): their cookies stop working at once."""
    repo.end_sessions(session, user_id)


def get_user_with_account(session: Session, user_id: int) -> tuple[User, Account] | None:
    """A signed-in user and their account, or None when the user no longer exists."""
    return repo.user_with_account(session, user_id)


def set_user_language(session: Session, user_id: int, language: Language | None) -> None:
    """The user's own language for the web UI; None follows the browser, then the account.
    A user deleted meanwhile is no error: there is nobody left to remember it for."""
    repo.set_user_language(session, user_id, language)


def set_default_language(session: Session, account_id: int, language: Language) -> Account:
    """The language of the account's users who chose none (and whose browser asks for
    none of the UI's languages)."""
    account = get_account(session, account_id)
    repo.set_default_language(session, account, language)
    return account
