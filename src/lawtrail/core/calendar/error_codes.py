"""Error codes of 工作日历 (workcalendar), declared: see ``lawtrail.core.errors.Catalogue``."""

from lawtrail.core.errors import Catalogue

CATALOGUE = Catalogue(
    "workcalendar",
    "工作日历",
    {
        "CALENDAR_DATE_CONFLICT": (400, "日期 %(d)s 不能既是法定节假日又是调休上班日。"),
        "CALENDAR_DATE_OUTSIDE_YEAR": (400, "日期 %(d)s 不在%(year)s年内。"),
        "CALENDAR_KIND_INVALID": (400, "日期类型无效。"),
        "CALENDAR_MAKEUP_NOT_WEEKEND": (400, "调休上班日只能是周六或周日：%(d)s 是工作日。"),
        "CALENDAR_PARAM_INVALID": (400, ""),
        "CALENDAR_PARAM_MISSING": (400, "缺少参数 %(p)s。"),
        "CALENDAR_SOURCE_MISSING": (
            400,
            "chinese-calendar 数据包没有%(year)s年的数据，请由管理员录入该年度日历。",
        ),
        "CALENDAR_YEAR_EXISTS": (409, "%(year)s年的工作日历已存在；如需重新录入，请选择覆盖。"),
        "CALENDAR_YEAR_INVALID": (400, "年度须为 %(lo)s–%(hi)s 之间的整数。"),
        "CALENDAR_YEAR_MISSING": (
            400,
            "%(year)s年的工作日历尚无数据（法定节假日与调休安排未录入），无法计算期限。请系统管理员先录入该年度日历。",
        ),
    },
)
