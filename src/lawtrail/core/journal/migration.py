"""Journal entries for rows a schema migration changed.

A migration that adds, drops or moves a column of a journaled table changes the canonical
snapshot of every row, so ``journal_verify`` would report each one as altered behind the
application's back. Such a migration calls ``rejournal`` after its schema operations: for every
row whose snapshot no longer matches its latest entry, it appends an entry tagged
``journal:schema:migrate`` (actor: the system) from the latest digest to the new one, with a
note naming the change. The migration is thereby in the log, visible and verifiable, like any
other write — not silently absorbed.
"""

from __future__ import annotations

from django.utils import timezone

from . import merkle
from .journal_actions import KernelJournal
from .services import canonical_digest, journal_snapshot, leaf_data
from .signing import entry_mac, mac_key

ACTION = KernelJournal.SCHEMA_MIGRATE


def rejournal(apps, app_label: str, model_name: str, *, note: str, chunk: int = 1000) -> int:
    """Append ``journal:schema:migrate`` entries for the rows of ``app_label.model_name`` whose
    current snapshot differs from their latest journal entry. Returns how many were appended.
    ``apps`` is the migration's historical registry."""
    model = apps.get_model(app_label, model_name)
    entry_model = apps.get_model("journal", "Entry")
    subject_type = model._meta.label_lower
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    has_mac = any(f.name == "mac" for f in entry_model._meta.concrete_fields)
    key = mac_key()
    appended = 0
    for start in range(0, len(pks), chunk):
        ids = pks[start : start + chunk]
        latest: dict[str, str] = {}
        for sid, digest in (
            entry_model.objects.filter(subject_type=subject_type, subject_id__in=[str(i) for i in ids])
            .order_by("id")
            .values_list("subject_id", "after_digest")
        ):
            latest[sid] = digest
        rows = []
        for obj in model.objects.filter(pk__in=ids):
            after = canonical_digest(journal_snapshot(obj))
            before = latest.get(str(obj.pk), "")
            if before == after:
                continue
            at = timezone.now()
            data = leaf_data(at, None, "system", ACTION, subject_type, str(obj.pk), before, after, note[:200])
            leaf = merkle.leaf_hash(data).hex()
            # the authentication code, once the table has its column (journal 0002)
            code = {"mac": entry_mac(data, key)} if has_mac else {}
            rows.append(
                entry_model(
                    **code,
                    at=at,
                    actor_id=None,
                    actor_label="system",
                    action=ACTION,
                    subject_type=subject_type,
                    subject_id=str(obj.pk),
                    before_digest=before,
                    after_digest=after,
                    note=note[:200],
                    leaf_hash=leaf,
                )
            )
        entry_model.objects.bulk_create(rows)
        appended += len(rows)
    return appended
