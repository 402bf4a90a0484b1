"""Tables of the journal: entries (leaves), stored subtree hashes, the sequencer's state, checkpoints.

Rows are only ever inserted; the sequencer sets ``Entry.seq`` once. Nothing in the
application updates or deletes them, and ``journal_verify`` names any row that changed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import merkle


class Entry(models.Model):
    """One leaf of the log. ``seq`` (the leaf index) is assigned by the sequencer after commit."""

    #: not a journal subject (every other row is one: tests/demo checks it), with the reason
    JOURNAL_EXEMPT = "the log itself"

    seq = models.BigIntegerField(_("序号"), null=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人账号"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("动作"), max_length=64)
    subject_type = models.CharField(_("对象类型"), max_length=64)
    subject_id = models.CharField(_("对象编号"), max_length=64)
    before_digest = models.CharField(_("变更前摘要"), max_length=64, blank=True)
    after_digest = models.CharField(_("变更后摘要"), max_length=64, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    leaf_hash = models.CharField(_("叶子哈希"), max_length=64)
    # HMAC-SHA256 of the leaf data under a key the database does not hold (signing.mac_key):
    # an entry appended with database rights alone, not yet under a checkpoint, has no valid one
    mac = models.CharField(_("认证码"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("日志条目")
        verbose_name_plural = _("日志条目")
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "id"], name="journal_entry_subject"),
            # the sequencer's work queue: only the few rows not yet given a seq
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="journal_entry_unsequenced"
            ),
        ]
        constraints = [
            # partial, so an append (seq still NULL) does not touch this index at all
            models.UniqueConstraint(
                fields=["seq"], condition=models.Q(seq__isnull=False), name="journal_entry_seq"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq if self.seq is not None else '?'} {self.action} {self.subject_type}:{self.subject_id}"


class Node(models.Model):
    """The hash of one complete subtree of level >= 1, keyed by its dense post-order position.

    ``pos = merkle.node_pos(level, index)`` is a bijection of (level, index); see ``merkle``.
    """

    #: not a journal subject (every other row is one: tests/demo checks it), with the reason
    JOURNAL_EXEMPT = "derived: stored Merkle subtree hashes, recomputed by verify"

    pos = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("子树哈希")
        verbose_name_plural = _("子树哈希")

    def __str__(self) -> str:
        return f"node {self.pos}"


class TreeState(models.Model):
    """Singleton (id=1): how many entries the sequencer has integrated. Locked while it runs."""

    #: not a journal subject (every other row is one: tests/demo checks it), with the reason
    JOURNAL_EXEMPT = "derived: the sequencer's counter, checked against the entries by verify"

    size = models.BigIntegerField(default=0)
    root_hash = models.CharField(max_length=64, default=merkle.EMPTY_ROOT.hex())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("日志树状态")
        verbose_name_plural = _("日志树状态")

    def __str__(self) -> str:
        return f"tree size {self.size}"


class Checkpoint(models.Model):
    """A signed tree head: C2SP checkpoint text (origin, size, base64 root, time) + Ed25519 signature."""

    #: not a journal subject (every other row is one: tests/demo checks it), with the reason
    JOURNAL_EXEMPT = "the log's signed output, checked by verify"

    size = models.BigIntegerField(_("树大小"))
    root_hash = models.CharField(_("根哈希"), max_length=64)
    created_at = models.DateTimeField(_("签署时间"))
    origin = models.CharField(_("日志来源"), max_length=200)
    text = models.TextField(_("检查点正文"))
    key_id = models.CharField(_("密钥编号"), max_length=8)
    signature = models.CharField(_("签名"), max_length=128)

    class Meta:
        verbose_name = _("签名检查点")
        verbose_name_plural = _("签名检查点")
        ordering = ["-id"]
        indexes = [models.Index(fields=["size"], name="journal_checkpoint_size")]

    def __str__(self) -> str:
        return f"检查点 #{self.pk}（树大小 {self.size}）"
