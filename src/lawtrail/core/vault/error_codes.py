"""Error codes of the vault (证据保管库), declared: see ``lawtrail.core.errors.Catalogue``."""

from lawtrail.core.errors import Catalogue

CATALOGUE = Catalogue(
    "vault",
    "证据保管库",
    {
        "VAULT_BLOB_NOT_FOUND": (404, "保管库中没有该文件。"),
        "VAULT_BLOB_DISPOSED": (409, "该文件已按规定处置，原始内容已不再保存。"),
        "VAULT_EMPTY_FILE": (400, "文件为空，不能存入保管库。"),
        "VAULT_MEDIA_TYPE_MISMATCH": (
            400,
            "文件内容与声明的类型不符：声明为 %(declared)s，按内容识别为 %(detected)s。",
        ),
        "VAULT_BLOB_DAMAGED": (409, "保管库中的文件与其摘要不符。"),
        "VAULT_DISPOSE_REASON_REQUIRED": (400, "处置文件须写明依据（审批文号或理由）。"),
    },
)
