"""Seals and signatures: PAdES with pyHanko, the agency's seal image as the visible widget.

**The signer is an interface** (``Signer``). ``PadesSigner`` is the one in the box: an X.509 key
and certificate per agency (RSA or ECDSA under any CA), CMS/PAdES (``ETSI.CAdES.detached``),
an RFC 3161 timestamp when ``LAWTRAIL_TSA_URL`` is set (PAdES B-T; B-B otherwise).

An SM2 / GB/T 38540 provider (a vendor SDK or an HSM holding the agency's 电子印章) plugs in by
implementing the same protocol:

- ``name`` — who signs, as the verification page shows it (the seal's 印章名称 / the holder);
- ``sign(pdf, *, box, page, field_name, seal_png, reason, location) -> bytes`` — return the PDF
  with one incremental revision appended that adds a signature field on ``page`` at ``box`` (PDF
  points) whose widget shows ``seal_png`` and whose ``/Contents`` covers the whole file before it
  (``/ByteRange``): for GB/T 38540 a DER ``SES_Signature`` (TBS_Sign with the SES_Seal, the
  SM3 hash of the ByteRange, the time, the signer's SM2 certificate, the SM2 signature and an
  optional GB/T 20520 timestamp), or an SM2 CMS per GM/T 0010 with ``/SubFilter`` set as the
  vendor documents. The bytes before the revision must be left untouched, so PAdES signatures
  and SM2 signatures can follow each other in one file;
- ``verify(pdf) -> list[SignatureReport]`` is not required of a vendor: pyHanko (and this page)
  cannot verify SM2; a provider that can supplies ``verify`` and the verification page uses it.

Register a provider for an agency with ``SIGNERS[agency_id] = factory`` (``factory(agency) ->
Signer``) from an app's ``ready()``; otherwise ``signer_for`` builds a ``PadesSigner`` from
``LAWTRAIL_SIGNING_DIR/agencies/<统一社会信用代码>/`` (``key.pem``, ``cert.pem``, ``chain.pem``, ``seal.png``).
With ``LAWTRAIL_SIGNING_TEST_CA`` on (the default of the embedded demo), missing materials are
made from a test CA generated once under ``LAWTRAIL_SIGNING_DIR/test-ca`` — documents it signs say
so on the verification page; a production deployment turns it off and installs real ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import io
import math
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from PIL import Image, ImageDraw, ImageFont
from pyhanko import stamp
from pyhanko.pdf_utils import images
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, SimpleBoxLayoutRule
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

#: What a signer raises on a file it cannot sign (a damaged or foreign PDF, a missing page).
SIGNING_ERRORS = (PdfError, SigningError, ValueError, KeyError, IndexError)

#: A seal of a local agency: 4.2–4.5 cm (国发〔1999〕25号); drawn at 42 mm.
SEAL_MM = 42.0
SEAL_PT = SEAL_MM / 25.4 * 72


class Signer(Protocol):
    name: str

    def sign(
        self,
        pdf: bytes,
        *,
        page: int,
        box: tuple[float, float, float, float],
        field_name: str,
        seal_png: bytes | None,
        reason: str,
        location: str,
    ) -> bytes: ...


@dataclass(frozen=True)
class Materials:
    key: Path
    cert: Path
    chain: tuple[Path, ...]
    seal: Path | None
    test_ca: bool


_LOCK = threading.RLock()


_HELD = threading.local()


@contextlib.contextmanager
def _locked():
    """Threads and processes (server workers, test workers) make a key once. Reentrant within a
    thread (making an agency's key makes the test CA first): a second ``flock`` on a new file
    description would wait for the first forever."""
    if getattr(_HELD, "depth", 0):
        _HELD.depth += 1
        try:
            yield
        finally:
            _HELD.depth -= 1
        return
    with _LOCK:
        _dir().mkdir(parents=True, exist_ok=True)
        with open(_dir() / ".lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            _HELD.depth = 1
            try:
                yield
            finally:
                _HELD.depth = 0
                fcntl.flock(fh, fcntl.LOCK_UN)


SIGNERS: dict[int, Callable[[Any], Signer]] = {}


# ----------------------------------------------------------------------------- the test CA


def _dir() -> Path:
    return Path(settings.LAWTRAIL_SIGNING_DIR)


def _name(cn: str, org: str = "LawTrail") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _write_key(path: Path, key) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.chmod(0o600)


def test_ca() -> tuple[Path, Path]:
    """The demo's CA (key, certificate), generated once: never for production documents."""
    d = _dir() / "test-ca"
    key_path, cert_path = d / "ca-key.pem", d / "ca.pem"
    if cert_path.exists() and key_path.exists():
        return key_path, cert_path
    with _locked():
        if cert_path.exists() and key_path.exists():
            return key_path, cert_path
        d.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = _name("LawTrail 测试根证书（仅供演示）")
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=400))  # the demo signs papers dated up to a year back
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        _write_key(key_path, key)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def issue_test_cert(cn: str, out_dir: Path, *, org: str, tsa: bool = False) -> tuple[Path, Path]:
    """A key and certificate under the test CA (an agency's seal, or the test TSA)."""
    ca_key_path, ca_cert_path = test_ca()
    ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), None)
    ca_cert = x509.load_pem_x509_certificate(ca_cert_path.read_bytes())
    # the TSA's key is RSA (pyHanko's test time-stamper signs with RSA only); a seal's is ECDSA
    # P-256: loaded and used in well under a millisecond (an RSA key is re-validated on each load)
    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if tsa
        else ec.generate_private_key(ec.SECP256R1())
    )
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, org))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400))  # the demo signs papers dated up to a year back
        .not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
    )
    if tsa:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
    cert = builder.sign(ca_key, hashes.SHA256())
    out_dir.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = out_dir / "key.pem", out_dir / "cert.pem"
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (out_dir / "chain.pem").write_bytes(ca_cert_path.read_bytes())
    return key_path, cert_path


# ----------------------------------------------------------------------------- the seal image


def _cjk_font(size: int) -> ImageFont.FreeTypeFont:
    for path in (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=2)  # the SC face of the collection
    return ImageFont.load_default(size)


def seal_image(name: str, *, px: int = 600, label: str = "") -> bytes:
    """A round red seal (demo): the agency's name along the upper arc, a star, the label below.
    Transparent outside the ink, so the text under it shows (居中下压署名和日期)."""
    img = Image.new("RGBA", (px, px), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (220, 30, 30, 235)
    ring = px // 30
    draw.ellipse((ring, ring, px - ring, px - ring), outline=red, width=ring)
    # the star
    cx = cy = px / 2
    r_out, r_in = px * 0.16, px * 0.16 * 0.382
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    draw.polygon(pts, fill=red)
    # the name along the arc, from lower left over the top to lower right
    chars = list(name)
    size = int(px * 0.11)
    font = _cjk_font(size)
    radius = px / 2 - ring * 2 - size * 0.7
    span = min(250.0, 18.0 * len(chars))
    for i, ch in enumerate(chars):
        angle = -90 - span / 2 + span * (i + 0.5) / len(chars)
        rad = math.radians(angle)
        x, y = cx + radius * math.cos(rad), cy + radius * math.sin(rad)
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size, size), ch, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.BICUBIC)
        img.alpha_composite(glyph, (int(x - size), int(y - size)))
    if label:
        small = _cjk_font(int(px * 0.07))
        draw.text((cx, cy + px * 0.27), label, font=small, fill=red, anchor="mm")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


# ----------------------------------------------------------------------------- materials


def materials_for(agency: Any) -> Materials | None:
    """The agency's key, certificate, chain and seal image; made under the test CA when the
    deployment allows it; None when there are none."""
    d = _dir() / "agencies" / (agency.credit_code or str(agency.pk))
    key, cert, chain, seal = d / "key.pem", d / "cert.pem", d / "chain.pem", d / "seal.png"
    made_here = (d / "test-ca").exists()
    if not (key.exists() and cert.exists()):
        if not getattr(settings, "LAWTRAIL_SIGNING_TEST_CA", False):
            return None
        with _locked():
            if not (key.exists() and cert.exists()):
                issue_test_cert(agency.name, d, org=agency.name)
                (d / "test-ca").write_text("issued under the LawTrail test CA\n")
        made_here = True
    if not seal.exists() and getattr(settings, "LAWTRAIL_SIGNING_TEST_CA", False):
        with _locked():
            if not seal.exists():
                tmp = d / f"seal.{os.getpid()}.png"
                tmp.write_bytes(seal_image(agency.name, label="电子印章（演示）"))
                tmp.replace(seal)
    return Materials(
        key=key,
        cert=cert,
        chain=(chain,) if chain.exists() else (),
        seal=seal if seal.exists() else None,
        test_ca=made_here,
    )


def timestamper() -> timestamps.TimeStamper | None:
    url = getattr(settings, "LAWTRAIL_TSA_URL", "")
    return timestamps.HTTPTimeStamper(url) if url else None


# ----------------------------------------------------------------------------- PAdES


@dataclass
class PadesSigner:
    """PAdES with pyHanko: CAdES detached signature, the seal image as the widget's appearance."""

    name: str
    materials: Materials
    stamper: timestamps.TimeStamper | None = None
    _signer: Any = field(default=None, repr=False)

    def _cms_signer(self):
        if self._signer is None:
            self._signer = signers.SimpleSigner.load(
                str(self.materials.key),
                str(self.materials.cert),
                ca_chain_files=[str(p) for p in self.materials.chain],
            )
        return self._signer

    def sign(
        self,
        pdf: bytes,
        *,
        page: int,
        box: tuple[float, float, float, float],
        field_name: str,
        seal_png: bytes | None,
        reason: str,
        location: str,
    ) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        style = None
        if seal_png:
            style = stamp.StaticStampStyle(
                border_width=0,
                background=images.PdfImage(Image.open(io.BytesIO(seal_png))),
                background_layout=SimpleBoxLayoutRule(AxisAlignment.ALIGN_MID, AxisAlignment.ALIGN_MID),
                background_opacity=1.0,
            )
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            reason=reason,
            location=location,
            name=self.name,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer=self._cms_signer(),
            timestamper=self.stamper,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(field_name, on_page=page, box=tuple(round(v, 2) for v in box)),
        )
        out = io.BytesIO()
        # room for the CMS reserved up front: no dry-run signature to measure it
        pdf_signer.sign_pdf(writer, output=out, bytes_reserved=16384 if self.stamper else 8192)
        return out.getvalue()


def signer_for(agency: Any) -> Signer | None:
    if agency.pk in SIGNERS:
        return SIGNERS[agency.pk](agency)
    mat = materials_for(agency)
    if mat is None:
        return None
    return PadesSigner(name=agency.name, materials=mat, stamper=timestamper())


def seal_png_for(agency: Any) -> bytes | None:
    mat = materials_for(agency)
    return mat.seal.read_bytes() if mat and mat.seal else None


def seal_box(at: tuple[int, float, float, float, float]) -> tuple[int, tuple[float, float, float, float]]:
    """The seal's square centred on the signature block (agency name over the date)."""
    page, left, bottom, right, top = at
    cx, cy = (left + right) / 2, (bottom + top) / 2
    h = SEAL_PT / 2
    return page, (cx - h, cy - h, cx + h, cy + h)


# ----------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str
    signed_at: dt.datetime | None
    intact: bool
    valid: bool
    trusted: bool
    timestamped: bool
    coverage: str
    modification_level: str
    test_ca: bool
    summary: str


def trust_roots() -> list[asn1_x509.Certificate]:
    roots = []
    paths = sorted((_dir() / "roots").glob("*.pem")) if (_dir() / "roots").exists() else []
    if getattr(settings, "LAWTRAIL_SIGNING_TEST_CA", False):
        paths.append(test_ca()[1])
    for p in paths:
        der = x509.load_pem_x509_certificate(p.read_bytes()).public_bytes(serialization.Encoding.DER)
        roots.append(asn1_x509.Certificate.load(der))
    return roots


def verify(pdf: bytes) -> list[SignatureReport]:
    """Every signature of ``pdf``: who, when, intact (the signed bytes unchanged), valid (the
    signature checks), trusted (a chain to a root this deployment trusts), the modification level
    of what was appended after it. Raises ``ValueError`` when the file is not a readable PDF."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = list(reader.embedded_signatures)
    except Exception as e:  # a damaged file: pyHanko raises many kinds
        raise ValueError(str(e)) from e
    roots = trust_roots()
    test_root = test_ca()[1].read_bytes() if getattr(settings, "LAWTRAIL_SIGNING_TEST_CA", False) else b""
    test_subject = x509.load_pem_x509_certificate(test_root).subject.rfc4514_string() if test_root else None
    out = []
    for sig in sigs:
        try:
            st = validate_pdf_signature(sig, ValidationContext(trust_roots=roots, allow_fetching=False))
            cert = st.signing_cert
            issuer = cert.issuer.human_friendly if cert else ""
            out.append(
                SignatureReport(
                    field=sig.field_name,
                    signer=cert.subject.native.get("common_name", "") if cert else "",
                    signed_at=st.signer_reported_dt,
                    intact=bool(st.intact),
                    valid=bool(st.valid),
                    trusted=bool(st.trusted),
                    timestamped=st.timestamp_validity is not None,
                    coverage=st.coverage.name if st.coverage else "",
                    modification_level=st.modification_level.name if st.modification_level else "",
                    test_ca=bool(test_subject) and "测试根证书" in issuer,
                    summary=st.summary(),
                )
            )
        except Exception as e:  # a tampered /Contents or structure: not intact
            out.append(
                SignatureReport(
                    field=getattr(sig, "field_name", ""),
                    signer="",
                    signed_at=None,
                    intact=False,
                    valid=False,
                    trusted=False,
                    timestamped=False,
                    coverage="",
                    modification_level="",
                    test_ca=False,
                    summary=f"INVALID: {type(e).__name__}",
                )
            )
    return out


# ----------------------------------------------------------------------------- later signatures


def officer_signer(user: Any) -> Signer | None:
    """An officer's own signing key (test CA in the demo; a real deployment installs them under
    ``LAWTRAIL_SIGNING_DIR/users/<id>/``)."""
    d = _dir() / "users" / user.get_username()
    name = getattr(user, "display_name", "") or str(user)
    if not (d / "key.pem").exists():
        if not getattr(settings, "LAWTRAIL_SIGNING_TEST_CA", False):
            return None
        with _locked():
            if not (d / "key.pem").exists():
                issue_test_cert(name, d, org="LawTrail")
                (d / "test-ca").write_text("issued under the LawTrail test CA\n")
    mat = Materials(key=d / "key.pem", cert=d / "cert.pem", chain=(d / "chain.pem",), seal=None, test_ca=True)
    return PadesSigner(name=name, materials=mat, stamper=timestamper())


def witness_signer(agency: Any) -> Signer | None:
    """The agency's witness certificate, with which a party's handwritten signature is fixed to a
    paper (the party has no certificate of its own): ``LAWTRAIL_SIGNING_DIR/agencies/<code>/witness/``
    (``key.pem``, ``cert.pem``, ``chain.pem``), made under the test CA in the demo."""
    d = _dir() / "agencies" / (agency.credit_code or str(agency.pk)) / "witness"
    name = f"当事人签名见证：{agency.name}"
    if not (d / "key.pem").exists():
        if not getattr(settings, "LAWTRAIL_SIGNING_TEST_CA", False):
            return None
        with _locked():
            if not (d / "key.pem").exists():
                # the CN holds 64 bytes at most (X.520): the agency is the certificate's O
                issue_test_cert(f"当事人签名见证 {agency.credit_code or agency.pk}", d, org=agency.name[:20])
                (d / "test-ca").write_text("issued under the LawTrail test CA\n")
    chain = (d / "chain.pem",) if (d / "chain.pem").exists() else ()
    mat = Materials(
        key=d / "key.pem", cert=d / "cert.pem", chain=chain, seal=None, test_ca=(d / "test-ca").exists()
    )
    return PadesSigner(name=name, materials=mat, stamper=timestamper())


def handwriting_stamp(png: bytes, name: str, when: dt.datetime) -> bytes:
    """The widget image of a party's signature: the handwriting over "当事人：name" and the time."""
    img = Image.new("RGBA", (700, 190), (0, 0, 0, 0))
    with Image.open(io.BytesIO(png)) as hand:
        hand = hand.convert("RGBA")
        hand.thumbnail((420, 180))
        img.alpha_composite(hand, (6, (190 - hand.size[1]) // 2))
    draw = ImageDraw.Draw(img)
    blue = (20, 40, 140, 255)
    font = _cjk_font(40)
    draw.text((440, 40), f"当事人：{name}"[:10], font=font, fill=blue)
    draw.text((440, 110), when.strftime("%Y-%m-%d %H:%M")[2:], font=font, fill=blue)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def officer_box(n: int) -> tuple[float, float, float, float]:
    """The n-th later signature's widget: along the bottom edge of the last page, below the page
    number, left to right (PDF points)."""
    x = 79.4 + (max(n, 1) - 1) % 3 * 150
    return (x, 14.0, x + 140.0, 52.0)


def name_stamp(name: str, when: dt.datetime, *, role: str = "执法人员") -> bytes:
    """The widget image of a later signature: who and when, in a CJK face (a PNG: no font
    is embedded for it)."""
    img = Image.new("RGBA", (700, 190), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    blue = (20, 40, 140, 255)
    draw.rectangle((2, 2, 697, 187), outline=blue, width=4)
    font = _cjk_font(54)
    draw.text((24, 20), f"{role}：{name}", font=font, fill=blue)
    draw.text((24, 104), when.strftime("%Y-%m-%d %H:%M"), font=font, fill=blue)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
