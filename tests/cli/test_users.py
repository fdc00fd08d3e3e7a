"""``shelfcast users create`` and the demo's login."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shelfcast.accounts import service as accounts
from shelfcast.cli.main import app
from shelfcast.db.database import open_database
from shelfcast.db.session import transaction
from shelfcast.settings import Settings

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHELFCAST_DATABASE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
    monkeypatch.setenv("SHELFCAST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SHELFCAST_SECRET_KEY", raising=False)
    yield tmp_path


def can_sign_in(email: str, password: str) -> bool:
    database = open_database(Settings())
    try:
        with transaction(database.writes) as session:
            return accounts.authenticate_user(session, email, password) is not None
    finally:
        database.close()


def new_account() -> int:
    result = runner.invoke(app, ["accounts", "create", "--name", "Shop", "--plan", "startup"])
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["account_id"])


def test_users_create_prompts_for_the_password(workdir: Path) -> None:
    account_id = new_account()
    result = runner.invoke(
        app,
        ["users", "create", "--account", str(account_id), "--email", "Ana@Shop.example"],
        input="a long passphrase\na long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout.strip().splitlines()[-1])
    assert created["email"] == "ana@shop.example" and created["account_id"] == account_id
    assert "password" not in created
    assert can_sign_in("ana@shop.example", "a long passphrase")
    assert not can_sign_in("ana@shop.example", "another passphrase")


def test_users_create_prints_a_generated_password(workdir: Path) -> None:
    account_id = new_account()
    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "--account",
            str(account_id),
            "--email",
            "bo@shop.example",
            "--generate-password",
        ],
    )
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert len(created["password"]) >= 16
    assert can_sign_in("bo@shop.example", created["password"])


def test_users_create_refuses_bad_input_clearly(workdir: Path) -> None:
    account_id = new_account()
    args = ["users", "create", "--account", str(account_id)]
    result = runner.invoke(app, [*args, "--email", "not-an-email", "--password", "long enough"])
    assert result.exit_code == 2 and "must be an email address" in result.output
    result = runner.invoke(app, [*args, "--email", "c@shop.example", "--password", "short"])
    assert result.exit_code == 2 and "8 to 1024 characters" in result.output
    runner.invoke(app, [*args, "--email", "c@shop.example", "--password", "long enough"])
    result = runner.invoke(app, [*args, "--email", "C@shop.example", "--password", "long enough"])
    assert result.exit_code == 2 and "already exists" in result.output
    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "--account",
            "999999",
            "--email",
            "d@shop.example",
            "--password",
            "long enough",
        ],
    )
    assert result.exit_code == 2 and "no account" in result.output


def test_the_demo_prints_a_working_login(workdir: Path) -> None:
    result = runner.invoke(app, ["demo", "--no-serve"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    found = re.search(r"sign in as (\S+)\s+password (\S+)", result.output)
    assert found, result.output
    assert can_sign_in(found.group(1), found.group(2))


def test_serve_refuses_to_start_without_a_secret_key(workdir: Path) -> None:
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "SHELFCAST_SECRET_KEY is required" in result.output
