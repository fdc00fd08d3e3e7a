"""Backups of a SQLite installation: the database, copied online, and the built files.

A backup is a folder: ``shelfcast.db`` (SQLite's online backup API, so a
running server keeps writing meanwhile and the copy is one consistent
snapshot) and ``feeds/`` (the built feed files, so restored links serve the
same bytes at once). On PostgreSQL, back the database up with ``pg_dump`` (see
the README); the files are rebuilt from it.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from shelfcast.errors import ShelfcastError


class BackupRefused(ShelfcastError):
    """A backup or restore that would be wrong here (the message says what to do)."""


DATABASE_FILE = "shelfcast.db"
FEEDS_FOLDER = "feeds"


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite URL; refused (with what to use instead) for anything else."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupRefused(
            "shelfcast backup and restore work on a SQLite database file; for PostgreSQL "
            "use pg_dump and pg_restore (README, 'Backup and restore')"
        )
    return Path(url.database)


def backup(database_url: str, data_dir: Path, target: Path) -> Path:
    """Write a backup folder at ``target`` (which must not exist or be empty)."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise BackupRefused(f"there is no database at {source}")
    if target.exists() and any(target.iterdir()):
        raise BackupRefused(f"{target} is not empty; choose a new folder for the backup")
    target.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as live, sqlite3.connect(target / DATABASE_FILE) as copy:
        live.backup(copy)
    copy.close()
    live.close()
    feeds = data_dir / FEEDS_FOLDER
    if feeds.is_dir():
        # Only complete files: leftovers of builds under way start with a dot.
        shutil.copytree(feeds, target / FEEDS_FOLDER, ignore=shutil.ignore_patterns(".*"))
    return target


def restore(database_url: str, data_dir: Path, source: Path) -> Path:
    """Put a backup folder's database and files in place of an empty installation."""
    target = sqlite_path(database_url)
    backup_file = source / DATABASE_FILE
    if not backup_file.is_file():
        raise BackupRefused(f"{source} holds no {DATABASE_FILE}: not a shelfcast backup")
    if target.exists() and target.stat().st_size > 0:
        raise BackupRefused(
            f"{target} already exists; restore into an empty installation (move it away first)"
        )
    feeds = data_dir / FEEDS_FOLDER
    if feeds.exists() and any(feeds.iterdir()):
        raise BackupRefused(f"{feeds} is not empty; restore into an empty data folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(backup_file) as saved, sqlite3.connect(target) as live:
        saved.backup(live)
    saved.close()
    live.close()
    if (source / FEEDS_FOLDER).is_dir():
        shutil.copytree(source / FEEDS_FOLDER, feeds, dirs_exist_ok=True)
    return target
