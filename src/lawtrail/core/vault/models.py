"""The vault's one table: a blob is a file's content, named by its SHA-256.

The bytes live in the ``vault`` storage (Django's storage API: local disk by default, any
S3-compatible store by setting) under ``sha256/ab/cd/<sha256>``; the row carries both digests,
the size and the type read from the content. Rows are inserted once and never changed, except to
record an approved disposal (then the stored bytes are gone and the row says when and why).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Blob(models.Model):
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    sm3 = models.CharField(_("SM3"), max_length=64, db_index=True)
    size = models.BigIntegerField(_("大小（字节）"))
    media_type = models.CharField(_("内容类型"), max_length=128)
    name = models.CharField(_("首次存入时的文件名"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("存入时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disposed_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    disposal_basis = models.CharField(_("处置依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("保管库文件")
        verbose_name_plural = _("保管库文件")

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… {self.media_type} {self.size}B"

    @property
    def key(self) -> str:
        """The storage name of the content."""
        return storage_key(self.sha256)


def storage_key(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"
