"""Error codes of the case file (一案一卷), declared: see ``lawtrail.core.errors.Catalogue``."""

from lawtrail.core.errors import Catalogue

CATALOGUE = Catalogue(
    "archive",
    "一案一卷",
    {
        "ARCHIVE_NOT_FOUND": (404, "该案件尚未归档，没有案卷档案包。"),
        "ARCHIVE_FILE_PENDING": (409, "案卷中有文书正在制作（生成PDF并加盖电子印章），档案包稍后生成。"),
        "ARCHIVE_NOT_READY": (409, "案卷档案包正在生成，请稍后再下载。"),
        "ARCHIVE_CASE_NOT_ARCHIVED": (409, "案件归档后才能生成案卷档案包（《行政处罚法》第四十七条）。"),
    },
)
