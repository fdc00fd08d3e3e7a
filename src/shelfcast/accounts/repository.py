"""All SQL of the accounts package."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account, ApiKey, Language, LoginFailure, User


def get_account(session: Session, account_id: int) -> Account | None:
    return session.get(Account, account_id)


def add_account(session: Session, name: str, plan: str) -> Account:
    account = Account(name=name, plan=plan)
    session.add(account)
    session.flush()
    return account


def set_plan(session: Session, account: Account, plan: str) -> None:
    account.plan = plan
    session.flush()


def delete_accounts_named(session: Session, name: str) -> int:
    """Delete the accounts called ``name``; everything they own goes by cascade."""
    deleted = session.execute(
        delete(Account).where(Account.name == name).returning(Account.id)
    ).all()
    return len(deleted)


def add_api_key(session: Session, account_id: int, name: str, prefix: str, key_hash: str) -> ApiKey:
    api_key = ApiKey(account_id=account_id, name=name, prefix=prefix, key_hash=key_hash)
    session.add(api_key)
    session.flush()
    return api_key


def active_key_by_hash(session: Session, key_hash: str) -> tuple[ApiKey, Account] | None:
    """The unrevoked key with this hash and its account, in one query."""
    row = session.execute(
        select(ApiKey, Account)
        .join(Account, Account.id == ApiKey.account_id)
        .where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    ).first()
    return (row[0], row[1]) if row is not None else None


def touch_api_key(session: Session, key_id: int, now: datetime, stale_before: datetime) -> None:
    """Record a use, unless one newer than ``stale_before`` is recorded (a concurrent request).

    Best effort on SQLite: a reading request's transaction cannot take the write
    lock once another request wrote since it began (SQLITE_BUSY at once, whatever
    the timeout). The use then goes unrecorded instead of failing the request.
    """
    try:
        with session.begin_nested():
            session.execute(
                update(ApiKey)
                .where(
                    ApiKey.id == key_id,
                    or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < stale_before),
                )
                .values(last_used_at=now)
            )
    except OperationalError:
        if session.get_bind().dialect.name != "sqlite":
            raise


def list_api_keys(session: Session, account_id: int) -> Sequence[ApiKey]:
    return session.scalars(
        select(ApiKey).where(ApiKey.account_id == account_id).order_by(ApiKey.id)
    ).all()


def get_api_key(session: Session, account_id: int, key_id: int) -> ApiKey | None:
    return session.scalars(
        select(ApiKey).where(ApiKey.id == key_id, ApiKey.account_id == account_id)
    ).first()


def revoke_api_key(session: Session, api_key: ApiKey, now: datetime) -> None:
    api_key.revoked_at = now
    session.flush()


def add_user(session: Session, account_id: int, email: str, password_hash: str) -> User:
    user = User(account_id=account_id, email=email, password_hash=password_hash)
    session.add(user)
    session.flush()
    return user


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).first()


def user_with_account(session: Session, user_id: int) -> tuple[User, Account] | None:
    row = session.execute(
        select(User, Account).join(Account, Account.id == User.account_id).where(User.id == user_id)
    ).first()
    return (row[0], row[1]) if row is not None else None


def set_password_hash(session: Session, user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    user.session_epoch += 1  # a new password ends the sessions signed in with the old one
    session.flush()


def end_sessions(session: Session, user_id: int) -> None:
    session.execute(
        update(User).where(User.id == user_id).values(session_epoch=User.session_epoch + 1)
    )


def set_user_language(session: Session, user_id: int, language: Language | None) -> None:
    session.execute(update(User).where(User.id == user_id).values(language=language))


def set_default_language(session: Session, account: Account, language: Language) -> None:
    account.default_language = language
    session.flush()


def add_login_failures(session: Session, key_hashes: Sequence[str], at: datetime) -> None:
    session.add_all([LoginFailure(key_hash=key, failed_at=at) for key in key_hashes])
    session.flush()


def recent_login_failures(
    session: Session, key_hash: str, since: datetime, limit: int
) -> Sequence[datetime]:
    """The newest ``limit`` failures of the key after ``since``, newest first."""
    return session.scalars(
        select(LoginFailure.failed_at)
        .where(LoginFailure.key_hash == key_hash, LoginFailure.failed_at > since)
        .order_by(LoginFailure.failed_at.desc())
        .limit(limit)
    ).all()


def delete_login_failures(session: Session, key_hash: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.key_hash == key_hash))


def prune_login_failures(session: Session, before: datetime) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= before))
