"""Error codes of 执法日志 (journal), declared: see ``lawtrail.core.errors.Catalogue``."""

from lawtrail.core.errors import Catalogue

CATALOGUE = Catalogue(
    "journal",
    "执法日志",
    {
        "JOURNAL_CHECKPOINT_FORBIDDEN": (403, "您没有签署日志检查点的权限。"),
        "JOURNAL_CHECKPOINT_NOT_FOUND": (404, "尚未签署任何日志检查点。"),
        "JOURNAL_ENTRY_NOT_FOUND": (404, "日志条目 #"),
        "JOURNAL_QUERY_INVALID": (400, "查询参数有误。"),
        "JOURNAL_TREE_SIZE_INVALID": (400, "树大小"),
        "JOURNAL_VIEW_FORBIDDEN": (403, "您没有查看执法日志的权限。"),
    },
)
