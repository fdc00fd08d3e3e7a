"""Accounts (tenants), their plan, and the API keys that authenticate them.

A raw API key is shown once, when created; only its SHA-256 is stored (a key
is 256 random bits, so a fast hash is enough: there is nothing to brute-force),
plus its first characters so the merchant can tell keys apart.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from shelfcast.accounts import repository as repo
from shelfcast.accounts.models import Account, ApiKey, Plan
from shelfcast.db.base import utcnow
from shelfcast.errors import FieldError, InvalidInput, NotFound

KEY_PREFIX = "sc_"
KEY_BYTES = 32
SHOWN_PREFIX_LENGTH = 11
NAME_LENGTH = 200
# A key's last use is recorded at most this often: no write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# Far longer than any key we issue: anything longer is not worth hashing.
_MAX_RAW_KEY_LENGTH = 200


def _name_problem(name: str, *, required: bool) -> str | None:
    if required and not name:
        return f"must not be empty (1 to {NAME_LENGTH} characters)"
    if len(name) > NAME_LENGTH:
        return f"must be at most {NAME_LENGTH} characters (got {len(name)})"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "must not contain control characters such as line breaks"
    return None


def _plan(value: str) -> Plan | None:
    try:
        return Plan(value.strip().lower())
    except ValueError:
        return None


def _plan_problem(value: str) -> str:
    allowed = ", ".join(plan.value for plan in Plan)
    return f"unknown plan {value!r}; allowed plans: {allowed}"


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
    if not raw_key.startswith(KEY_PREFIX) or len(raw_key) > _MAX_RAW_KEY_LENGTH:
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
