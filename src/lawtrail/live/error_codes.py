"""Error codes of live (现场直播与设备), declared: see ``lawtrail.core.errors.Catalogue``."""

from lawtrail.core.errors import Catalogue

CATALOGUE = Catalogue(
    "live",
    "现场直播与设备",
    {
        "LIVE_PUBLISH_REFUSED": (
            403,
            "推流未获授权：设备未登记、已停用、未通过法制和技术审核，或推流密钥不符。",
        ),
        "LIVE_DEVICE_NOT_FOUND": (404, "设备不存在或您无权查看。"),
        "LIVE_STREAM_NOT_FOUND": (404, "该设备当前没有直播。"),
        "LIVE_NOT_ALLOWED": (403, "只有本机关的执法人员和负责人可以查看现场直播。"),
    },
)
