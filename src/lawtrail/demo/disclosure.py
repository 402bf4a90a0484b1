"""Demo disclosure: the demo's served decisions, published (事后公开).

Runs after the demo cases: the outbox has made a record of each served decision (a delivery missed
is swept first). Each record is published by its handler on a working day within its deadline, as
an agency would — except the newest few of the home agency, left as drafts so the handler's 待办
shows them — and one published decision is revoked on review and its record withdrawn with a
public explanation (APL-48).
"""

from __future__ import annotations

import datetime as dt
import random

from lawtrail.cases import outbox
from lawtrail.core.errors import ApplicationError
from lawtrail.disclosure import services
from lawtrail.disclosure.models import Record, Status

SEED = 11
LEFT_AS_DRAFT = 3  # the home agency's newest drafts stay in the handler's 待办
HOME_AGENCY = "石家庄市长安区市场监督管理局"


def load_demo_disclosure(*, today: dt.date, stdout=None) -> dict[str, int]:
    rng = random.Random(SEED)
    outbox.sweep(grace=dt.timedelta(0))
    drafts = list(
        Record.objects.filter(status=Status.DRAFT)
        .select_related("case__handler", "agency")
        .order_by("-decided_on", "-id")
    )
    keep = {
        r.pk for r in drafts if r.agency.name == HOME_AGENCY and r.decided_on >= today - dt.timedelta(days=10)
    }
    keep = set(list(keep)[:LEFT_AS_DRAFT])
    published = 0
    for r in drafts:
        if r.pk in keep:
            continue
        on = min(today, r.decided_on + dt.timedelta(days=rng.randint(1, 6)))
        try:
            services.record_publish(actor=r.case.handler, record_id=r.pk, on=on)
            published += 1
        except ApplicationError:
            continue
    withdrawn = 0
    victim = (
        Record.objects.filter(status=Status.PUBLISHED, agency__name=HOME_AGENCY)
        .order_by("decided_on")
        .first()
    )
    if victim is not None:
        changed_on = min(today, victim.published_on + dt.timedelta(days=20))
        services.record_change(actor=None, record_id=victim.pk, change_kind="revoked", changed_on=changed_on)
        services.record_withdraw(
            actor=victim.case.handler,
            record_id=victim.pk,
            explanation="该行政处罚决定经行政复议被依法撤销，依照《中华人民共和国行政处罚法》第四十八条撤回公示。",
            on=changed_on,
        )
        withdrawn = 1
    counts = {"published": published, "drafts": len(keep), "withdrawn": withdrawn}
    if stdout is not None:
        stdout.write(f"公示记录：已公示 {published} 条，待公示 {len(keep)} 条，撤回 {withdrawn} 条。")
    return counts
