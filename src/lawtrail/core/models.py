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
