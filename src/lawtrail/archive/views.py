"""Back-office page of the case file: the package download (查阅留痕). Thin: the case is read
through the case flow's scope, the download recorded by ``services``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.views.decorators.http import require_GET

from lawtrail.core.vault import vault_open

from . import selectors, services


def package_response(package) -> FileResponse:
    name = f"{package.archive_number or package.case_id}.zip"
    response = FileResponse(
        vault_open(package.blob), content_type="application/zip", filename=name, as_attachment=True
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Package-SHA256"] = package.blob.sha256
    return response


@login_required
@require_GET
def download(request, case_id: int):
    case = selectors.case_for(request.user, case_id)
    package = services.package_for_download(actor=request.user, case=case, via="page")
    return package_response(package)
