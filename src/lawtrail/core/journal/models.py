from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """One leaf of the log. Rows are only ever inserted (``seq`` is set once by the sequencer)."""

    seq = models.BigIntegerField(_("序号"), null=True, unique=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    subject_type = models.CharField(_("对象类型"), max_length=64)
    subject_id = models.CharField(_("对象编号"), max_length=64)
    before_digest = models.CharField(max_length=64, blank=True)
    after_digest = models.CharField(max_length=64, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    leaf_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("日志条目")
        verbose_name_plural = _("日志条目")
        indexes = [models.Index(fields=["subject_type", "subject_id", "id"])]
