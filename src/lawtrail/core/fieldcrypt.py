"""Field-level encryption of personal data at rest (公民身份号码、联系电话、家庭住址).

A column declared ``EncryptedCharField`` holds ``ENC1$<key id>$<base64(nonce ‖ ciphertext ‖ tag)>``:
an authenticated cipher — **SM4-GCM** (GB/T 32907, the national algorithm 密评 expects) or
**AES-256-GCM** — with the column's name (``app.model.field``) as associated data, so a value
copied into another column does not decrypt. Python code sees plain text: the value is decrypted
when loaded and encrypted when saved. An encrypted column cannot be searched; a
``LookupHashField`` beside it holds HMAC-SHA256 of the normalised value under a separate lookup
key, for exact lookups and uniqueness (``lookup_hashes(value)``: under the lookup key and, while a
rotation of the lookup key runs, under the previous ones too).

Keys never live in the database. They come from the environment —
``LAWTRAIL_FIELD_KEYS="k2:sm4:<base64 16 bytes>,k1:aes:<base64 32 bytes>"`` (the first encrypts,
every one decrypts) and ``LAWTRAIL_FIELD_LOOKUP_KEY=<base64 ≥ 32 bytes>[,<previous>…]`` (the first
hashes; previous ones still find the rows not yet re-hashed) — or, for the embedded default, from
the key file ``var/field-keys`` (0600), generated once. ``lawtrail rotate_field_keys`` adds a key
(``--new-key``) or a lookup key (``--new-lookup-key``) and rewrites every row with it
(docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

PREFIX = "ENC1$"
KEY_FILE = "field-keys"
ALGORITHMS = {"sm4": 16, "aes": 32}  # key lengths in bytes
NONCE = 12


@dataclass(frozen=True)
class FieldKey:
    id: str
    alg: str  # "sm4" | "aes"
    key: bytes


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[FieldKey, ...]  # the first encrypts
    lookup: bytes
    source: str  # "env" | path of the key file
    old_lookups: tuple[bytes, ...] = ()  # previous lookup keys, during their rotation

    @property
    def current(self) -> FieldKey:
        return self.keys[0]

    def get(self, key_id: str) -> FieldKey:
        for k in self.keys:
            if k.id == key_id:
                return k
        raise ImproperlyConfigured(
            f"字段加密密钥 {key_id} 不在当前密钥环中（LAWTRAIL_FIELD_KEYS 或 var/field-keys）。"
        )


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise ImproperlyConfigured(f"{what} 不是有效的 base64。") from None


def _check(k: FieldKey) -> FieldKey:
    if k.alg not in ALGORITHMS:
        raise ImproperlyConfigured(f"字段加密密钥 {k.id}：未知算法 {k.alg}（可用 sm4、aes）。")
    if len(k.key) != ALGORITHMS[k.alg]:
        raise ImproperlyConfigured(f"字段加密密钥 {k.id}：{k.alg} 密钥须为 {ALGORITHMS[k.alg]} 字节。")
    if "$" in k.id or ":" in k.id or not k.id:
        raise ImproperlyConfigured(f"字段加密密钥编号“{k.id}”无效。")
    return k


def parse_keys(text: str) -> tuple[FieldKey, ...]:
    """``"id:alg:base64,id:alg:base64"`` → keys (the first is the current one)."""
    out = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            key_id, alg, b64 = item.split(":", 2)
        except ValueError:
            raise ImproperlyConfigured(
                "LAWTRAIL_FIELD_KEYS 的格式为 编号:算法:base64密钥，以逗号分隔。"
            ) from None
        out.append(_check(FieldKey(key_id.strip(), alg.strip().lower(), _b64(b64.strip(), f"密钥 {key_id}"))))
    if not out:
        raise ImproperlyConfigured("LAWTRAIL_FIELD_KEYS 未包含任何密钥。")
    return tuple(out)


def new_key(key_id: str, alg: str = "sm4") -> FieldKey:
    return _check(FieldKey(key_id, alg, secrets.token_bytes(ALGORITHMS.get(alg, 0) or 1)))


def key_file_path() -> Path:
    return Path(settings.VAR_DIR) / KEY_FILE


def _write_key_file(
    path: Path,
    keys: tuple[FieldKey, ...],
    lookup: bytes,
    *,
    create: bool,
    old_lookups: tuple[bytes, ...] = (),
) -> None:
    data: dict[str, Any] = {
        "keys": [{"id": k.id, "alg": k.alg, "key": base64.b64encode(k.key).decode()} for k in keys],
        "lookup_key": base64.b64encode(lookup).decode(),
    }
    if old_lookups:
        data["old_lookup_keys"] = [base64.b64encode(k).decode() for k in old_lookups]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=1)
    if create:
        try:  # O_EXCL semantics: two processes at once keep the first file
            os.link(tmp, path)
        except FileExistsError:
            pass
        tmp.unlink()
    else:
        os.replace(tmp, path)


def _read_key_file(path: Path) -> KeyRing:
    data = json.loads(path.read_text())
    keys = tuple(_check(FieldKey(k["id"], k["alg"], _b64(k["key"], f"密钥 {k['id']}"))) for k in data["keys"])
    old = tuple(_b64(k, "old_lookup_keys") for k in data.get("old_lookup_keys", ()))
    return KeyRing(keys, _b64(data["lookup_key"], "lookup_key"), str(path), old)


_ring: KeyRing | None = None


def keyring() -> KeyRing:
    """The keys in force: the environment's, else the key file's (generated once when missing)."""
    global _ring
    if _ring is not None:
        return _ring
    env_keys = os.environ.get("LAWTRAIL_FIELD_KEYS", "").strip()
    if env_keys:
        lookup = os.environ.get("LAWTRAIL_FIELD_LOOKUP_KEY", "").strip()
        if not lookup:
            raise ImproperlyConfigured(
                "设置了 LAWTRAIL_FIELD_KEYS 时还须设置 LAWTRAIL_FIELD_LOOKUP_KEY（查询用 HMAC 密钥）。"
            )
        lookups = tuple(
            _b64(part.strip(), "LAWTRAIL_FIELD_LOOKUP_KEY") for part in lookup.split(",") if part.strip()
        )
        if not lookups or any(len(k) < 32 for k in lookups):
            raise ImproperlyConfigured("LAWTRAIL_FIELD_LOOKUP_KEY 的每个密钥至少 32 字节。")
        _ring = KeyRing(parse_keys(env_keys), lookups[0], "env", lookups[1:])
        return _ring
    path = key_file_path()
    if not path.exists():
        _write_key_file(
            path, (new_key("k1", settings.LAWTRAIL_FIELD_CIPHER),), secrets.token_bytes(32), create=True
        )
    _ring = _read_key_file(path)
    return _ring


def reset_keyring() -> None:
    """Forget the loaded keys (after a rotation, or a test changing the environment)."""
    global _ring
    _ring = None


def add_key_to_file(alg: str) -> FieldKey:
    """Put a new key first in ``var/field-keys`` (the old ones stay, to decrypt). Returns it."""
    ring = keyring()
    if ring.source == "env":
        raise ImproperlyConfigured(
            "密钥来自环境变量：请把新密钥放在 LAWTRAIL_FIELD_KEYS 的第一位后重新运行本命令（不带 --new-key）。"
        )
    n = 1 + max((int(k.id[1:]) for k in ring.keys if k.id[1:].isdigit()), default=0)
    key = new_key(f"k{n}", alg)
    _write_key_file(
        Path(ring.source), (key, *ring.keys), ring.lookup, create=False, old_lookups=ring.old_lookups
    )
    reset_keyring()
    return key


def add_lookup_key_to_file() -> None:
    """A new lookup key in ``var/field-keys``; the current one becomes a previous one, which
    lookups still try until ``drop_old_from_file`` (after every row is re-hashed)."""
    ring = keyring()
    if ring.source == "env":
        raise ImproperlyConfigured(
            "密钥来自环境变量：请把新的查询密钥放在 LAWTRAIL_FIELD_LOOKUP_KEY 的第一位（旧密钥以逗号隔开放在其后）"
            "后重新运行本命令（不带 --new-lookup-key）。"
        )
    _write_key_file(
        Path(ring.source),
        ring.keys,
        secrets.token_bytes(32),
        create=False,
        old_lookups=(ring.lookup, *ring.old_lookups),
    )
    reset_keyring()


def drop_old_from_file() -> None:
    """Keep only the current key and lookup key in ``var/field-keys`` (after a complete rotation)."""
    ring = keyring()
    if ring.source == "env":
        raise ImproperlyConfigured(
            "密钥来自环境变量：请自行从 LAWTRAIL_FIELD_KEYS 和 LAWTRAIL_FIELD_LOOKUP_KEY 中删除旧密钥。"
        )
    _write_key_file(Path(ring.source), ring.keys[:1], ring.lookup, create=False)
    reset_keyring()


# ----------------------------------------------------------------------------- the cipher


def _cipher(k: FieldKey, nonce: bytes, tag: bytes | None = None) -> Cipher:
    algorithm = algorithms.SM4(k.key) if k.alg == "sm4" else algorithms.AES(k.key)
    return Cipher(algorithm, modes.GCM(nonce, tag) if tag is not None else modes.GCM(nonce))


def encrypt(plain: str, *, aad: str, key: FieldKey | None = None) -> str:
    k = key or keyring().current
    nonce = secrets.token_bytes(NONCE)
    enc = _cipher(k, nonce).encryptor()
    enc.authenticate_additional_data(aad.encode())
    body = enc.update(plain.encode()) + enc.finalize()
    return f"{PREFIX}{k.id}${base64.b64encode(nonce + body + enc.tag).decode()}"


def key_id_of(stored: str) -> str | None:
    """The id of the key a stored value was encrypted with; None for plain text (not yet migrated)."""
    if not isinstance(stored, str) or not stored.startswith(PREFIX):
        return None
    return stored[len(PREFIX) :].split("$", 1)[0]


def decrypt(stored: str, *, aad: str) -> str:
    key_id = key_id_of(stored)
    if key_id is None:
        return stored  # written before encryption (the data migration and the rotation encrypt it)
    k = keyring().get(key_id)
    raw = base64.b64decode(stored[len(PREFIX) + len(key_id) + 1 :])
    nonce, body, tag = raw[:NONCE], raw[NONCE:-16], raw[-16:]
    dec = _cipher(k, nonce, tag).decryptor()
    dec.authenticate_additional_data(aad.encode())
    try:
        return (dec.update(body) + dec.finalize()).decode()
    except InvalidTag:
        raise ImproperlyConfigured(
            f"字段 {aad} 的密文无法用密钥 {key_id} 验证（被改动或密钥错误）。"
        ) from None


def _hmac(key: bytes, value: str | None) -> str:
    norm = (value or "").strip().upper()
    if not norm:
        return ""
    return hmac.new(key, norm.encode(), hashlib.sha256).hexdigest()


def lookup_hash(value: str | None) -> str:
    """HMAC-SHA256 (hex) of the normalised value under the lookup key; "" for an empty value.
    What a row stores. To find rows, use ``lookup_hashes``."""
    return _hmac(keyring().lookup, value)


def lookup_hashes(value: str | None) -> list[str]:
    """Every hash a stored row of ``value`` may carry: under the lookup key and, while a rotation
    of the lookup key is under way, under the previous ones (``field__in=lookup_hashes(v)``)."""
    ring = keyring()
    return [h for h in (_hmac(k, value) for k in (ring.lookup, *ring.old_lookups)) if h]


# ----------------------------------------------------------------------------- model fields


class EncryptedCharField(models.CharField):
    """A CharField whose value is stored encrypted (see the module docstring). ``max_length``
    limits the plain text; the column is ``text``. It cannot be filtered on (use its
    ``LookupHashField``); an empty value is stored empty."""

    def db_type(self, connection: Any) -> str | None:
        return models.TextField().db_type(connection)

    def get_internal_type(self) -> str:
        return "TextField"

    def _aad(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value, aad=self._aad())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or key_id_of(value) is not None:
            return value
        return encrypt(str(value), aad=self._aad())


class EncryptedJSONField(EncryptedCharField):
    """A JSON value (a dict of texts, say) stored encrypted as one ``ENC1$…`` string: Python code
    sees the decoded value, the column holds ciphertext. For free text with personal data in it
    that only staff read (the unmasked original of a published decision). No ``max_length``; it
    cannot be filtered on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list:
        return models.Field.check(self, **kwargs)  # a CharField's max_length check does not apply

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value:
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return self.get_default() if value == "" else value
        plain = decrypt(value, aad=self._aad())
        try:
            return json.loads(plain)
        except ValueError:  # written before as a JSON column by a driver that returned it decoded
            return plain

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str) and key_id_of(value) is not None:
            return value
        return encrypt(
            json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")), aad=self._aad()
        )

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


class LookupHashField(models.CharField):
    """HMAC of another field's value (``source``), recomputed on every save: the exact-lookup
    and uniqueness column of an ``EncryptedCharField``."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: Any, add: bool) -> str:
        value = lookup_hash(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields(model: type[models.Model]) -> list[EncryptedCharField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


def hash_fields(model: type[models.Model]) -> list[LookupHashField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, LookupHashField)]


# ----------------------------------------------------------------------------- migrations


def encrypt_rows(apps: Any, app_label: str, model_name: str, *, chunk: int = 500) -> int:
    """Data migration: encrypt the plain-text values of ``app_label.model_name``'s encrypted
    columns and fill their lookup hashes (saving a row does both). Returns rows written."""
    model = apps.get_model(app_label, model_name)
    names = [f.name for f in encrypted_fields(model)] + [f.name for f in hash_fields(model)]
    n = 0
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), chunk):
        for obj in model.objects.filter(pk__in=pks[start : start + chunk]):
            obj.save(update_fields=names)
            n += 1
    return n


def decrypt_rows(apps: Any, app_label: str, model_name: str) -> None:
    """The reverse: write the plain text back (before the columns turn into varchar again)."""
    model = apps.get_model(app_label, model_name)
    fields = encrypted_fields(model)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cur:
        for obj in model.objects.all():
            for f in fields:
                col = connection.ops.quote_name(f.column)
                cur.execute(
                    f"UPDATE {table} SET {col} = %s WHERE id = %s", [getattr(obj, f.attname) or "", obj.pk]
                )


# ----------------------------------------------------------------------------- readiness


def probe() -> str | None:
    """Decrypt one stored value of each encrypted column with the keys in force; the first
    failure as a Chinese sentence, None when every column reads (or holds nothing yet).

    An instance started with keys of its own (its own ``var/field-keys`` instead of the
    deployment's ``LAWTRAIL_FIELD_KEYS``) answers every request touching personal data with an
    error; the readiness probe says so before a load balancer sends it traffic."""
    try:
        keyring()
    except ImproperlyConfigured as exc:
        return str(exc)
    columns = [
        (m, f)
        for m in apps.get_models()
        if not m._meta.proxy
        for f in m._meta.local_concrete_fields
        if isinstance(f, EncryptedCharField)
    ]
    for model, field in columns:
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(field.column)
        with connection.cursor() as cur:
            cur.execute(f"SELECT {column} FROM {table} WHERE {column} LIKE %s LIMIT 1", [PREFIX + "%"])
            row = cur.fetchone()
        if row is None:
            continue
        try:
            decrypt(row[0], aad=field._aad())
        except ImproperlyConfigured as exc:
            return str(exc)
    return None
