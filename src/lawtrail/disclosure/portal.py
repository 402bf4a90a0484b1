"""Public pages of disclosure (no login): search over published decisions, the record page, the
CSV of a query and an Atom feed per agency. Every one is rate-limited (``limits``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed

from lawtrail.core.errors import NotFound, ValidationFailed
from lawtrail.registry.models import Agency, Credential, Division, Domain, PowerItem

from . import credentials, limits, prior, proofs, search, selectors
from .models import Kind

CSV_LIMIT = 10_000


def _choices() -> dict:
    return {
        "divisions": Division.objects.filter(level__in=["province", "city", "county"])
        .order_by("code")
        .only("code", "name"),
        "agencies": Agency.objects.filter(kind="enforcement", is_active=True)
        .order_by("name")
        .only("pk", "name"),
        "domains": Domain.objects.order_by("sort", "code").only("code", "name"),
        "kinds": Kind.choices,
    }


@limits.public("search")
def search_page(request):
    params, errors = search.parse(request.GET)
    result = search.run(params) if not errors else None
    return render(
        request,
        "disclosure/public_search.html",
        {
            "params": params,
            "errors": errors,
            "result": result,
            "choices": _choices(),
            "prev_qs": params.query_string(page=params.page - 1 if params.page > 2 else ""),
            "next_qs": params.query_string(page=params.page + 1),
        },
        status=400 if errors else 200,
    )


@limits.public("detail")
def detail(request, pk: int):
    record = selectors.public_record_get(pk)
    entry = proofs.record_entry(record)
    return render(
        request,
        "disclosure/public_record.html",
        {"record": record, "entry": entry, "proof": proofs.record_proof(record)},
    )


@limits.public("csv")
def csv_export(request):
    """The rows of a query as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    params, errors = search.parse(request.GET)
    if errors:
        return HttpResponse("；".join(errors.values()), status=400, content_type="text/plain; charset=utf-8")
    qs, _plan = search.keyword_queryset(params, connection.vendor)
    rows = search.order_for_listing(qs, params).select_related("agency", "domain")[:CSV_LIMIT]
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="disclosures.csv"'
    resp.write("\ufeff")
    w = csv.writer(resp)
    w.writerow(
        [
            "决定书文号",
            "执法机关",
            "执法领域",
            "执法类别",
            "行政相对人",
            "统一社会信用代码",
            "违法行为",
            "处罚依据",
            "处罚内容",
            "决定日期",
            "链接",
        ]
    )
    for r in rows:
        c = r.content
        w.writerow(
            [
                r.decision_number,
                r.agency.name,
                r.domain.name,
                r.get_kind_display(),
                r.party_name,
                r.credit_code,
                c.get("violation", ""),
                c.get("basis", ""),
                c.get("penalty", ""),
                r.decided_on.isoformat(),
                request.build_absolute_uri(reverse("disclosure_public:detail", args=[r.pk])),
            ]
        )
    return resp


@method_decorator(limits.public("feed"), name="__call__")
class AgencyFeed(Feed):
    """Atom feed of an agency's newest published decisions."""

    feed_type = Atom1Feed

    def get_object(self, request, agency_id: int):
        agency = Agency.objects.filter(pk=agency_id).first()
        if agency is None:
            raise NotFound("执法机关不存在。", code="DISCLOSURE_NOT_FOUND")
        return agency

    def title(self, obj):
        return f"{obj.name} 执法结果公示"

    def link(self, obj):
        return reverse("disclosure_public:search") + f"?agency={obj.pk}"

    def subtitle(self, obj):
        return f"{obj.name}已公示的行政执法决定"

    def items(self, obj):
        return selectors.public_records().filter(agency=obj).order_by("-decided_on", "-id")[:50]

    def item_title(self, item):
        return f"{item.party_name} · {item.decision_number}"

    def item_description(self, item):
        return f"{item.content.get('violation', '')}。处罚内容：{item.content.get('penalty', '')}"

    def item_link(self, item):
        return reverse("disclosure_public:detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at


# ----------------------------------------------------------------------------- verifiable by anyone


@limits.public("proof")
def record_proof_json(request, pk: int):
    """The record's page as a verifiable bundle: its public document and its journal entry's
    inclusion proof against the latest signed checkpoint (docs/verify_checkpoint.py ``document``)."""
    record = selectors.public_record_get(pk)
    bundle = proofs.record_proof(record)
    if bundle is None or bundle.get("pending"):
        raise NotFound(
            "该记录的日志条目尚未纳入已签名的检查点，请稍后再试。", code="DISCLOSURE_PROOF_PENDING"
        )
    return _json_download(bundle, f"disclosure-{record.pk}-proof.json")


def _json_download(body: dict, name: str) -> HttpResponse:
    resp = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1, default=str),
        content_type="application/json; charset=utf-8",
    )
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@limits.public("verify")
def verify_help(request):
    """How to check a page offline: the public key, the latest checkpoint, the standalone verifier."""
    return render(request, "disclosure/public_verify.html", {})


@limits.public("verify")
def verifier_script(request):
    path = Path(settings.BASE_DIR) / "docs" / "verify_checkpoint.py"
    resp = HttpResponse(path.read_bytes(), content_type="text/x-python; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="verify_checkpoint.py"'
    return resp


# ----------------------------------------------------------------------------- 亮证


@limits.public("credential")
def credential_page(request, token: str):
    """The page a credential's QR code opens: genuine or not, and its status today."""
    cred = credentials.credential_for_token(token)
    if cred is None:
        return render(request, "disclosure/public_credential.html", {"genuine": False}, status=400)
    today = timezone.localdate()
    return render(
        request,
        "disclosure/public_credential.html",
        {
            "genuine": True,
            "cred": cred,
            "verdict": credentials.verdict(cred, today),
            "today": today,
            "token": token,
            "proof": proofs.credential_proof(cred),
        },
    )


@limits.public("credential")
def credential_proof_json(request, token: str):
    cred = credentials.credential_for_token(token)
    if cred is None:
        raise ValidationFailed("该二维码不是真实有效的执法证二维码。", code="CREDENTIAL_TOKEN_INVALID")
    bundle = proofs.credential_proof(cred)
    if bundle is None or bundle.get("pending"):
        raise NotFound(
            "该记录的日志条目尚未纳入已签名的检查点，请稍后再试。", code="DISCLOSURE_PROOF_PENDING"
        )
    return _json_download(bundle, f"credential-{cred.number}-proof.json")


@limits.public("lookup", lookup=True)
def credential_lookup(request):
    """Lookup by the number an officer shows: rate-limited (low), one answer, no listing."""
    number = (request.GET.get("number") or "").strip()[:32]
    if not number:
        return render(request, "disclosure/public_lookup.html", {"number": ""})
    cred = Credential.objects.filter(number=number).only("pk", "number").first()
    if cred is None:
        return render(
            request, "disclosure/public_lookup.html", {"number": number, "missing": True}, status=404
        )
    return redirect(credentials.url_for(cred))


# ----------------------------------------------------------------------------- 事前公开 (G118-4)


def _division_domain(request) -> tuple[Division | None, Domain | None, dict[str, str]]:
    errors: dict[str, str] = {}
    division = domain = None
    code = (request.GET.get("division") or "").strip()
    if code:
        division = Division.objects.filter(code=code).first()
        if division is None:
            errors["division"] = "行政区划不存在"
    dcode = (request.GET.get("domain") or "").strip()
    if dcode:
        domain = Domain.objects.filter(code=dcode).first()
        if domain is None:
            errors["domain"] = "执法领域不存在"
    return division, domain, errors


@limits.public("prior")
def bodies(request):
    division, domain, errors = _division_domain(request)
    rows = prior.bodies(division=division, domain=domain) if not errors else []
    return render(
        request,
        "disclosure/prior_bodies.html",
        {
            "rows": rows,
            "errors": errors,
            "division": division,
            "domain": domain,
            "choices": _choices(),
            "last_changed": prior.last_changed("registry.agency"),
        },
        status=400 if errors else 200,
    )


@limits.public("prior")
def body(request, agency_id: int):
    ctx = prior.body(agency_id)
    for s in ctx["officers"]:
        s.cards = [(c, credentials.url_for(c)) for c in s.usable]
    return render(request, "disclosure/prior_body.html", ctx)


@limits.public("prior")
def powers(request, inspections: bool = False):
    _division, domain, errors = _division_domain(request)
    kind = "inspection" if inspections else (request.GET.get("kind") or "").strip()
    if kind and kind not in PowerItem.Kind.values:
        errors["kind"] = "事项类型无效"
    q = (request.GET.get("q") or "").strip()[:50]
    rows = prior.powers(domain=domain, kind=kind, q=q) if not errors else PowerItem.objects.none()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/prior_powers.html",
        {
            "page": page,
            "errors": errors,
            "domain": domain,
            "kind": kind,
            "q": q,
            "inspections": inspections,
            "kinds": PowerItem.Kind.choices,
            "choices": _choices(),
            "last_changed": prior.last_changed(
                ["registry.poweritem", "registry.violation", "registry.legalbasis", "registry.benchmark"]
            ),
        },
        status=400 if errors else 200,
    )


@limits.public("prior")
def power(request, power_id: int):
    return render(request, "disclosure/prior_power.html", prior.power(power_id))


# ----------------------------------------------------------------------------- statistics


@limits.public("stats")
def stats(request):
    """Decisions published per month and by domain (ECharts from our static files)."""
    figures = search.figures()
    return render(
        request,
        "disclosure/public_stats.html",
        {
            "figures": figures,
            "chart_json": json.dumps(figures, ensure_ascii=False),
            "month_rows": list(zip(figures["months"], figures["per_month"], strict=True)),
            "domain_rows": list(zip(figures["domains"], figures["per_domain"], strict=True)),
        },
    )
