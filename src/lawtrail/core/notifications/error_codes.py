"""Error codes of 站内消息 (notifications), declared: see ``lawtrail.core.errors.Catalogue``."""

from lawtrail.core.errors import Catalogue

CATALOGUE = Catalogue(
    "notifications",
    "站内消息",
    {
        "NOTIFICATION_NOT_FOUND": (404, "该消息不存在或不是发给您的。"),
    },
)
