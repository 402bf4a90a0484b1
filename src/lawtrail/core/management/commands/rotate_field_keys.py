"""`lawtrail rotate_field_keys`: re-encrypt every encrypted column with the current key, and
re-hash every lookup column with the current lookup key.

Key file (embedded default): ``--new-key`` puts a new key (``--algorithm sm4|aes``) first in
``var/field-keys`` and re-encrypts; the old keys stay in the file until ``--drop-old`` after a
successful run. Environment (``LAWTRAIL_FIELD_KEYS``): put the new key first, run this command,
then remove the old key from the variable. Rows still in plain text (written before encryption)
are encrypted too. The plain text does not change, so neither do the rows' journal digests;
when a lookup hash changes (a new lookup key) the row is journaled ``core:field_keys:rekey``.

Lookup key: ``--new-lookup-key`` (key file) makes a new one current and keeps the old one as a
previous key, which lookups (``fieldcrypt.lookup_hashes``) still try while the rows are re-hashed;
``--drop-old`` removes it afterwards. Environment: put the new key first in
``LAWTRAIL_FIELD_LOOKUP_KEY`` with the old one after a comma, restart, run this command, then
remove the old one.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast

from lawtrail.core import fieldcrypt
from lawtrail.core.journal.journal_actions import KernelJournal
from lawtrail.core.journal.services import canonical_digest, journal_append, journal_snapshot

ACTION = KernelJournal.FIELD_KEYS_REKEY


class Command(BaseCommand):
    help = "轮换字段加密密钥：用当前密钥重新加密所有加密字段（身份证号、电话、住址）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key", action="store_true", help="在 var/field-keys 中生成新密钥并设为当前密钥"
        )
        parser.add_argument(
            "--new-lookup-key",
            action="store_true",
            help="在 var/field-keys 中生成新的查询（HMAC）密钥并设为当前密钥",
        )
        parser.add_argument("--algorithm", choices=sorted(fieldcrypt.ALGORITHMS), default=None)
        parser.add_argument("--drop-old", action="store_true", help="重新加密完成后从密钥文件删除旧密钥")
        parser.add_argument("--chunk", type=int, default=500)

    def handle(self, *args, **opts):
        fieldcrypt.reset_keyring()
        if opts["new_key"]:
            try:
                key = fieldcrypt.add_key_to_file(opts["algorithm"] or _default_alg())
            except Exception as exc:  # ImproperlyConfigured: keys from the environment
                raise CommandError(str(exc)) from None
            self.stdout.write(f"新密钥 {key.id}（{key.alg}）已设为当前密钥。")
        if opts["new_lookup_key"]:
            try:
                fieldcrypt.add_lookup_key_to_file()
            except Exception as exc:  # ImproperlyConfigured: keys from the environment
                raise CommandError(str(exc)) from None
            self.stdout.write("新的查询密钥已设为当前密钥；旧查询密钥在重新计算完成前仍用于查找。")
        ring = fieldcrypt.keyring()
        total = 0
        for model in apps.get_models():
            fields = fieldcrypt.encrypted_fields(model)
            if not fields:
                continue
            n = rekey_model(model, ring.current.id, chunk=opts["chunk"])
            total += n
            self.stdout.write(f"{model._meta.label}：重新加密 {n} 行")
        if opts["drop_old"]:
            try:
                fieldcrypt.drop_old_from_file()
            except Exception as exc:  # ImproperlyConfigured: keys from the environment
                raise CommandError(str(exc)) from None
            self.stdout.write("旧密钥（含旧查询密钥）已从密钥文件删除。")
        self.stdout.write(self.style.SUCCESS(f"完成：共重新加密 {total} 行，当前密钥 {ring.current.id}。"))


def _default_alg() -> str:
    return settings.LAWTRAIL_FIELD_CIPHER


def rekey_model(model, current_id: str, *, chunk: int = 500) -> int:
    """Re-save the rows of ``model`` whose encrypted values are not under ``current_id`` (or
    are plain text), or whose lookup hash is stale. Returns how many rows were written."""
    fields = fieldcrypt.encrypted_fields(model)
    hashes = fieldcrypt.hash_fields(model)
    raw = {f"_raw_{f.attname}": Cast(F(f.attname), TextField()) for f in fields}
    pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(pks), chunk):
        with transaction.atomic():
            rows = (
                model._default_manager.select_for_update()
                .filter(pk__in=pks[start : start + chunk])
                .annotate(**raw)
            )
            for obj in rows:
                stale = [
                    f.attname
                    for f in fields
                    if getattr(obj, f"_raw_{f.attname}")
                    and fieldcrypt.key_id_of(getattr(obj, f"_raw_{f.attname}")) != current_id
                ]
                stale_hash = [
                    h.attname
                    for h in hashes
                    if getattr(obj, h.attname) != fieldcrypt.lookup_hash(getattr(obj, h.source))
                ]
                if not stale and not stale_hash:
                    continue
                before = journal_snapshot(obj)
                obj.save(update_fields=[*stale, *[h.attname for h in hashes]])
                if canonical_digest(before) != canonical_digest(journal_snapshot(obj)):
                    journal_append(
                        actor=None, action=ACTION, subject=obj, before=before, note="lookup hash rekeyed"
                    )
                written += 1
    return written
