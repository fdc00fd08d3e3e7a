"""Running an import inside the test's transaction, as the runner does in its own."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.catalog.imports import jobs, service
from shelfcast.catalog.imports.schemas import ImportRead
from shelfcast.catalog.imports.service import ImportChoices


def import_file(
    session: Session, account: Account, data_dir: Path, content: bytes, **choices: Any
) -> ImportRead:
    """Create, run and finish an import job; the data's writes are rolled back
    (to a savepoint) unless the import applies, as the runner's transaction is."""
    stored = service.save_upload(data_dir, io.BytesIO(content))
    job = service.create_import(
        session, account.id, data_dir, stored, "upload", ImportChoices(**choices)
    )
    prepared = jobs.prepare_run(session, data_dir, job.id)
    nested = session.begin_nested()
    run = jobs.apply_rows(session, prepared)
    if jobs.applies(run):
        nested.commit()
    else:
        nested.rollback()
    jobs.finish(session, job.id, run, None)
    session.expire_all()
    return service.get_import(session, account.id, job.id)
