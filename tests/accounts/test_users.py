"""Users of the web UI: argon2 hashes, sign-in by email whatever its case."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from shelfcast.accounts import service as accounts
from shelfcast.errors import Conflict, InvalidInput, NotFound
from tests.builders import make_account


def test_a_user_signs_in_with_email_and_password(session: Session) -> None:
    account = make_account(session)
    user = accounts.create_user(session, account.id, "  Ana@Shop.Example ", "a long passphrase")
    assert user.email == "ana@shop.example"
    assert user.password_hash.startswith("$argon2id$")
    assert "a long passphrase" not in user.password_hash
    assert accounts.authenticate_user(session, "ANA@shop.example", "a long passphrase") == user
    assert accounts.authenticate_user(session, "ana@shop.example", "A long passphrase") is None
    assert accounts.authenticate_user(session, "nobody@shop.example", "a long passphrase") is None
    found = accounts.get_user_with_account(session, user.id)
    assert found is not None and found[1].id == account.id


def test_an_old_hash_is_upgraded_at_sign_in(session: Session) -> None:
    account = make_account(session)
    user = accounts.create_user(session, account.id, "bo@shop.example", "a long passphrase")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash("a long passphrase")
    session.flush()
    assert accounts.authenticate_user(session, "bo@shop.example", "a long passphrase") == user
    assert not PasswordHasher().check_needs_rehash(user.password_hash)


def test_bad_users_are_refused(session: Session) -> None:
    account = make_account(session)
    with pytest.raises(InvalidInput) as error:
        accounts.create_user(session, account.id, "no at sign", "short")
    assert {e.loc for e in error.value.errors} == {("email",), ("password",)}
    accounts.create_user(session, account.id, "cy@shop.example", "a long passphrase")
    with pytest.raises(Conflict):
        accounts.create_user(session, account.id, "CY@shop.example", "another passphrase")
    with pytest.raises(NotFound):
        accounts.create_user(session, 2_000_000_000, "dee@shop.example", "a long passphrase")
    assert accounts.authenticate_user(session, "cy@shop.example", "x" * 5000) is None
