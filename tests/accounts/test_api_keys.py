"""API keys: shown once, stored hashed, authenticate until revoked, per account."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from shelfcast.accounts import service
from shelfcast.accounts.models import ApiKey
from shelfcast.accounts.schemas import ApiKeyRead
from shelfcast.db.base import utcnow
from shelfcast.errors import InvalidInput, NotFound
from tests.builders import make_account
from tests.catalog.support import recorded_statements


def test_create_api_key(session: Session) -> None:
    account = make_account(session)

    api_key, raw = service.create_api_key(session, account.id, " CI ")

    assert raw.startswith("sc_") and len(raw) == 46
    assert api_key.prefix == raw[:11]
    assert api_key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {api_key.name, api_key.prefix, api_key.key_hash}
    assert api_key.name == "CI"
    read = ApiKeyRead.model_validate(api_key)
    assert read.model_dump(exclude={"id", "created_at"}) == {
        "name": "CI",
        "prefix": raw[:11],
        "last_used_at": None,
        "revoked_at": None,
    }
    assert service.create_api_key(session, account.id)[1] != raw


def test_create_api_key_rules(session: Session) -> None:
    with pytest.raises(NotFound):
        service.create_api_key(session, 999_999)
    with pytest.raises(InvalidInput, match="name: must be at most 200 characters"):
        service.create_api_key(session, make_account(session).id, "k" * 201)


def test_authenticate(session: Session) -> None:
    account = make_account(session)
    _, raw = service.create_api_key(session, account.id)

    assert service.authenticate_api_key(session, raw) is account
    for wrong in ("", "sc_", raw[:-1], raw + "x", "Bearer " + raw, "sc_" + "x" * 500):
        assert service.authenticate_api_key(session, wrong) is None


def test_last_use_is_written_at_most_once_a_minute(session: Session) -> None:
    account = make_account(session)
    api_key, raw = service.create_api_key(session, account.id)

    with recorded_statements(session) as first:
        service.authenticate_api_key(session, raw)
    session.refresh(api_key)
    used = api_key.last_used_at
    assert used is not None

    with recorded_statements(session) as second:
        service.authenticate_api_key(session, raw)
    assert [s for s in first if s.startswith("UPDATE")] != []
    assert [s for s in second if s.startswith("UPDATE")] == []
    assert len(second) == 1

    stale = utcnow() - timedelta(minutes=2)
    session.execute(update(ApiKey).where(ApiKey.id == api_key.id).values(last_used_at=stale))
    service.authenticate_api_key(session, raw)
    session.refresh(api_key)
    assert api_key.last_used_at is not None and api_key.last_used_at > stale


def test_revoked_keys_stop_working(session: Session) -> None:
    account = make_account(session)
    api_key, raw = service.create_api_key(session, account.id)
    _, other_raw = service.create_api_key(session, account.id)

    revoked = service.revoke_api_key(session, account.id, api_key.id)

    assert revoked.revoked_at is not None
    assert service.authenticate_api_key(session, raw) is None
    assert service.authenticate_api_key(session, other_raw) is account
    # Revoking again keeps the first time.
    first_time = revoked.revoked_at
    assert service.revoke_api_key(session, account.id, api_key.id).revoked_at == first_time
    listed = service.list_api_keys(session, account.id)
    assert [(k.id, k.revoked_at is not None) for k in listed] == [
        (api_key.id, True),
        (listed[1].id, False),
    ]


def test_keys_belong_to_their_account(session: Session) -> None:
    account, other = make_account(session), make_account(session)
    theirs, their_raw = service.create_api_key(session, other.id)

    with pytest.raises(NotFound, match=f"no API key with id {theirs.id}"):
        service.revoke_api_key(session, account.id, theirs.id)

    assert service.list_api_keys(session, account.id) == []
    assert service.authenticate_api_key(session, their_raw) is other
