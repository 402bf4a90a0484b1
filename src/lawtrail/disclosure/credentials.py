"""亮证: every credential's QR code carries a signed token (``django.core.signing``), not a number
that can be guessed — walking sequential numbers cannot harvest the register (the lookup by
number is rate-limited and lists nothing).

The token signs the credential's id and number with the site's secret key (salted for this use);
a changed character makes it "not genuine". It does not expire: it is printed on the card, and the
page it opens shows the credential's status as it is now (valid, suspended, revoked, expired).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import segno
from django.core import signing
from django.urls import reverse

from lawtrail.registry.models import Credential

SALT = "lawtrail.disclosure.credential"


def token_for(cred: Credential) -> str:
    # no timestamp: the same credential always has the same token (the one printed on its card)
    return signing.Signer(salt=SALT).sign_object({"i": cred.pk, "n": cred.number})


def credential_for_token(token: str) -> Credential | None:
    """The credential a token names, or None when the token is not genuine (tampered, forged, or
    naming a credential whose number no longer matches)."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    cred = (
        Credential.objects.select_related("staff__agency", "domain", "region")
        .filter(pk=data.get("i"), number=data.get("n"))
        .first()
    )
    return cred


def url_for(cred: Credential) -> str:
    return reverse("disclosure_public:credential", args=[token_for(cred)])


def qr_svg(absolute_url: str, *, scale: int = 4) -> str:
    """The QR code (segno, inline SVG) of the credential's verification URL."""
    return segno.make(absolute_url, error="m").svg_inline(scale=scale, title="执法证查验二维码")


@dataclass(frozen=True)
class Verdict:
    key: str  # valid / suspended / revoked / expired / not_yet
    label: str
    ok: bool


def verdict(cred: Credential, today: dt.date) -> Verdict:
    """What the public page says of a credential today (APL-42: usable = valid and within its dates)."""
    if cred.status == Credential.Status.SUSPENDED:
        return Verdict("suspended", "已暂扣，不得从事执法活动", False)
    if cred.status == Credential.Status.REVOKED:
        return Verdict("revoked", "已注销，不得从事执法活动", False)
    if today > cred.expires_on:
        return Verdict("expired", "已过有效期，不得从事执法活动", False)
    if today < cred.issued_on:
        return Verdict("not_yet", "尚未生效", False)
    return Verdict("valid", "有效", True)
