"""A new file from the marketplace's sample file: the form opens filled in (nothing saved)."""

from __future__ import annotations

from fastapi import Request, Response
from starlette.datastructures import UploadFile

from shelfcast.errors import InvalidInput
from shelfcast.feeds.sample import propose_from_sample
from shelfcast.web.deps import SessionDep
from shelfcast.web.i18n import gettext as _
from shelfcast.web.ui.forms import FeedFormState
from shelfcast.web.ui.rendering import redirect
from shelfcast.web.ui.routes._router import FormDep, page_router
from shelfcast.web.ui.routes.integration import WINDOW, form_page, limit_page
from shelfcast.web.ui.session import SignedInDep, flash
from shelfcast.web.uploads import uploaded_file

router = page_router()


@router.post(f"{WINDOW}/files/from-sample")
def file_from_sample(
    request: Request, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    blocked = limit_page(request, signed, session)
    if blocked is not None:
        return blocked
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        flash(request, "error", _("Choose the marketplace's sample file (CSV, XLSX, XLS or ODS)."))
        return redirect(f"{WINDOW}/files/new")
    try:
        with uploaded_file(upload.file, upload.filename) as path:
            proposal = propose_from_sample(session, signed.account_id, path, upload.filename)
    except InvalidInput as error:
        upload.file.close()
        flash(
            request,
            "error",
            _(
                "The sample file could not be read: %(problem)s.",
                problem=_(error.errors[0].message),
            ),
        )
        return redirect(f"{WINDOW}/files/new")
    upload.file.close()  # the form's spooled copy (pages read the form themselves)
    detected = proposal.detected
    flash(
        request,
        "info",
        _(
            "Read %(file)s: %(columns)s columns on row %(row)s, %(matched)s matched to your "
            "products. Fill in what is left and save.",
            file=upload.filename,
            columns=len(detected.headers),
            row=detected.header_row,
            matched=detected.matched,
        ),
    )
    return form_page(request, signed, session, FeedFormState.from_preset(proposal))
