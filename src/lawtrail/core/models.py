from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login account. The person behind it is a ``registry.Staff`` (staff.user)."""

    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    # password ageing (LAWTRAIL_PASSWORD_MAX_AGE_DAYS) and change at first login
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.display_name or self.username


class Revision(models.Model):
    """A token that changes with every write to some reference tables, for caches kept across
    steps and processes: a reader that reads the token in its own statement knows whether what
    it cached is still what the tables hold. The token is set by database triggers (installed by
    the migrations of the app that owns the tables) in the writer's own transaction, so no writer
    — a service, the admin, a bulk load, raw SQL — can change the tables without changing it. It
    is a random number, not a counter: a write rolled back cannot leave a value that a later,
    different write would take again (a cache filled inside the rolled-back transaction is then
    never matched)."""

    #: triggers write it, nothing reads it as data: a cache key, not a record
    JOURNAL_EXEMPT = "a cache token set by database triggers; the rows it stands for are journaled"

    name = models.CharField(_("名称"), max_length=32, primary_key=True)
    value = models.BigIntegerField(_("版本值"))

    class Meta:
        verbose_name = _("缓存版本")
        verbose_name_plural = _("缓存版本")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
