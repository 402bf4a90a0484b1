"""Door 2 into the case flow: the after-commit outbox.

A capability that reacts to a step that has happened — publication, documents, statistics,
warnings, archives — registers a consumer for event tags (``tags.EventTag``) in its
``AppConfig.ready()``::

    from lawtrail.cases import outbox
    from lawtrail.cases.tags import EventTag

    @outbox.consumer(app="disclosure", name="publish", tags=[EventTag.DECISION_SERVED])
    def publish(event: CaseEvent) -> None: ...

How it runs (the pattern of Healthchecks' ``Flip`` rows and Zulip's ``send_event_on_commit``):

- The step's transaction writes the ``CaseEvent`` and one ``Delivery`` row per consumer of its
  tag. Nothing is sent while the step may still roll back.
- After commit, ``transaction.on_commit`` queues the Celery task ``cases.outbox_deliver`` with
  the new deliveries (eager in the embedded default: it runs right after the commit).
- Delivering one row is its own transaction: lock the row, skip it if already done, call the
  consumer, set ``done_at``. The consumer's writes and the receipt commit together, so a
  delivery made twice (a retried task, the sweep racing the task) is consumed once. A consumer
  that raises leaves its row pending with the error and a later ``due_at`` (backing off); it
  never fails the step that already committed.
- ``sweep`` (Celery beat ``cases.outbox_sweep``; ``lawtrail outbox_sweep`` in the embedded
  default) delivers every pending row whose time has come — the ones whose on-commit dispatch
  never happened (the process was killed between commit and dispatch) and the retries.

Consumers never set ``Case.state``: to move a case they call ``case_transition`` like any
actor. Delivery is at least once; consumption exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CaseEvent, Delivery

log = logging.getLogger(__name__)

Consumer = Callable[[CaseEvent], None]


@dataclass(frozen=True)
class Registration:
    name: str  # "<app>.<name>", unique: the receipt is keyed by it
    tags: frozenset[str]
    fn: Consumer
    doc: str = ""


_CONSUMERS: dict[str, Registration] = {}
_BY_TAG: dict[str, list[Registration]] = {}

#: Backoff of a failing consumer: attempt n waits RETRY_BASE × 2^(n-1), at most RETRY_MAX.
RETRY_BASE = dt.timedelta(seconds=30)
RETRY_MAX = dt.timedelta(hours=6)


def consumer(*, app: str, name: str, tags: Iterable[str], doc: str = "") -> Callable[[Consumer], Consumer]:
    """Register ``fn`` for the events carrying any of ``tags`` (a decorator)."""

    def register(fn: Consumer) -> Consumer:
        key = f"{app}.{name}"
        tag_set = frozenset(str(t) for t in tags)
        if not tag_set:
            raise ImproperlyConfigured(f"outbox consumer {key} names no tag")
        existing = _CONSUMERS.get(key)
        if existing is not None:
            if existing.fn is fn:
                return fn
            raise ImproperlyConfigured(f"outbox consumer {key} registered twice")
        reg = Registration(
            name=key, tags=tag_set, fn=fn, doc=doc or (fn.__doc__ or "").strip().split("\n")[0]
        )
        _CONSUMERS[key] = reg
        for tag in tag_set:
            _BY_TAG.setdefault(tag, []).append(reg)
        return fn

    return register


def unregister(name: str) -> None:
    """Tests only."""
    reg = _CONSUMERS.pop(name, None)
    if reg is not None:
        for tag in reg.tags:
            _BY_TAG[tag] = [r for r in _BY_TAG.get(tag, []) if r.name != name]


def consumers() -> dict[str, Registration]:
    return dict(_CONSUMERS)


def consumers_of(tag: str) -> list[Registration]:
    return list(_BY_TAG.get(str(tag), ()))


def failing_for(case_id: int) -> list[dict[str, Any]]:
    """The case's background work that failed and waits for its retry (a consumer raised: the
    decision's PDF not made, the record not published …) — said on the case page, so the
    handler does not wait for a paper that is not coming. One item per consumer: what (its own
    description), how many of its deliveries wait (``count``), the most attempts so far, when the
    next is tried."""
    rows = (
        Delivery.objects.filter(event__case_id=case_id, done_at__isnull=True, attempts__gt=0)
        .values("consumer")
        .annotate(count=Count("id"), attempts=Max("attempts"), due_at=Min("due_at"))
        .order_by("due_at", "consumer")
    )
    out = []
    for row in rows:
        reg = _CONSUMERS.get(row["consumer"])
        out.append({**row, "what": reg.doc if reg else _("后台处理")})
    return out


# ----------------------------------------------------------------------------- writing


def enqueue(event: CaseEvent) -> list[int]:
    """In the step's transaction: one delivery per consumer of the event's tag, dispatched after
    commit. Returns the delivery ids (none when nobody listens)."""
    regs = consumers_of(event.tag)
    if not regs:
        return []
    now = timezone.now()
    rows = Delivery.objects.bulk_create(
        [Delivery(event=event, consumer=r.name, created_at=now, due_at=now) for r in regs]
    )
    ids = [d.pk for d in rows]
    if None in ids:  # a backend that does not return ids from bulk inserts
        ids = list(Delivery.objects.filter(event=event).values_list("pk", flat=True))
    dispatch_on_commit(ids)
    return ids


def dispatch_on_commit(ids: list[int]) -> None:
    """After the step commits, hand its deliveries ``ids`` to ``dispatch`` (``enqueue`` does it;
    the engine too when it writes the rows itself, with the event in one statement)."""
    if ids:
        transaction.on_commit(lambda: dispatch(ids))


def dispatch(ids: list[int]) -> None:
    """After commit: hand the deliveries to a worker (or deliver now, when tasks run eagerly).
    A broker that cannot be reached leaves them pending for the sweep."""
    from .tasks import outbox_deliver_task  # noqa: PLC0415 — cycle: the task module imports the outbox

    try:
        outbox_deliver_task.delay(ids)
    except Exception:  # noqa: BLE001 — the step is committed; the sweep will deliver them
        log.exception("outbox: dispatch of %s failed; the sweep will deliver them", ids)


# ----------------------------------------------------------------------------- delivering


def _backoff(attempts: int) -> dt.timedelta:
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_MAX)


def deliver_one(delivery_id: int) -> bool:
    """Deliver one row in its own transaction. True when this call consumed it."""
    with transaction.atomic():
        d = (
            Delivery.objects.select_for_update(skip_locked=True)
            .select_related("event")
            .filter(pk=delivery_id, done_at__isnull=True)
            .first()
        )
        if d is None:  # consumed already, or another worker holds it
            return False
        reg = _CONSUMERS.get(d.consumer)
        if reg is None:  # its capability is not installed here: leave it for a process that has it
            return False
        try:
            with transaction.atomic():  # a savepoint: a failing consumer's writes roll back alone
                reg.fn(d.event)
        except Exception as exc:  # noqa: BLE001 — recorded on the row, retried later
            log.warning("outbox: consumer %s failed on event %s: %s", d.consumer, d.event_id, exc)
            Delivery.objects.filter(pk=d.pk).update(
                attempts=F("attempts") + 1,
                last_error="".join(traceback.format_exception_only(type(exc), exc))[:2000],
                due_at=timezone.now() + _backoff(d.attempts + 1),
            )
            return False
        Delivery.objects.filter(pk=d.pk).update(
            done_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        )
        return True


def deliver(ids: Iterable[int]) -> int:
    return sum(deliver_one(i) for i in ids)


def pending(*, now: dt.datetime | None = None, grace: dt.timedelta | None = None):
    """Deliveries whose time has come: created more than ``grace`` ago (so the sweep leaves the
    on-commit dispatch its chance) and due."""
    now = now or timezone.now()
    grace = grace if grace is not None else dt.timedelta(seconds=settings.LAWTRAIL_OUTBOX_SWEEP_GRACE)
    return Delivery.objects.filter(done_at__isnull=True, due_at__lte=now, created_at__lte=now - grace)


def sweep(*, limit: int = 1000, grace: dt.timedelta | None = None) -> int:
    """Deliver what is pending (missed dispatches, retries). Returns how many were consumed."""
    ids = list(pending(grace=grace).order_by("due_at", "pk").values_list("pk", flat=True)[:limit])
    return deliver(ids)


def lag_seconds() -> float:
    """Age of the oldest pending delivery (0 when none): the outbox lag."""
    oldest = (
        Delivery.objects.filter(done_at__isnull=True)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return (timezone.now() - oldest).total_seconds() if oldest else 0.0
