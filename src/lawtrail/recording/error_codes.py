"""Error codes of recording (执法全过程记录), declared: see ``lawtrail.core.errors.Catalogue``."""

from lawtrail.core.errors import Catalogue

CATALOGUE = Catalogue(
    "recording",
    "执法全过程记录",
    {
        "RECORDING_DEVICE_NOT_FOUND": (404, "设备不存在或您无权查看。"),
        "RECORDING_DEVICE_SERIAL_TAKEN": (409, "该设备序列号已登记。"),
        "RECORDING_DEVICE_INVALID": (400, "设备信息不完整或有误：%(field)s。"),
        "RECORDING_DEVICE_UNREVIEWED": (
            409,
            "电子技术监控设备记录的违法事实未经审核或者经审核不符合要求的，不得作为行政处罚的证据（《行政处罚法》第四十一条）。",
        ),
        "RECORDING_FILE_NOT_FOUND": (404, "证据文件不存在或您无权查看。"),
        "RECORDING_FILE_REQUIRED": (400, "请选择要上传的文件。"),
        "RECORDING_FILE_TYPE_REFUSED": (400, "不接受该类型的文件：%(type)s。"),
        "RECORDING_EVIDENCE_UNKNOWN": (400, "请选择本案的证据。"),
        "RECORDING_FILE_UNKNOWN": (400, "请选择本案的证据文件。"),
        "RECORDING_CAPTURED_AT_INVALID": (400, "拍摄（录制）时间不能晚于上传时间。"),
        "RECORDING_LATE_REASON_REQUIRED": (400, "请写明超过上传时限的原因。"),
        "RECORDING_STATE_CONFLICT": (409, "该证据文件当前不能办理此操作。"),
        "RECORDING_AV_REQUIRED": (
            409,
            "“%(act)s”应当进行全过程音像记录：请先在本案“证据文件”中上传本次执法的录音录像（执法环节选“%(step)s”），"
            "再办理此步骤（《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》"
            "（国办发〔2018〕118号）第八项）。",
        ),
        "RECORDING_DISPOSAL_CASE_NOT_ARCHIVED": (
            409,
            "案件尚未归档，其证据文件应当随案保存，不得处置（《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号）第九项）。",
        ),
        "RECORDING_DISPOSAL_RETENTION": (
            409,
            "证据文件的保存期限（%(years)s年，自%(archived)s归档起）至%(ends)s届满，届满前不得处置（《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号）第九项）。",
        ),
        "RECORDING_DISPOSAL_LEADER_REQUIRED": (
            403,
            "证据文件的处置须经行政机关负责人批准，且不得由申请人本人批准。",
        ),
        "RECORDING_DISPOSAL_REASON_REQUIRED": (400, "请写明%(what)s。"),
        "RECORDING_DISPOSAL_PENDING": (409, "该文件已有待批准的处置申请。"),
        "RECORDING_DISPOSAL_NOT_FOUND": (404, "处置申请不存在或已办结。"),
        "RECORDING_DISPOSAL_DECIDED": (409, "该处置申请已办结。"),
        "RECORDING_TRANSCRIPT_INVALID": (400, "笔录不完整：%(field)s。"),
        "RECORDING_TRANSCRIPT_SIGNATURE_INVALID": (400, "签名须为手写签名图像（PNG）。"),
        "RECORDING_TRANSCRIPT_SIGNED": (409, "笔录已签名确认，不能再修改。"),
        "RECORDING_TRANSCRIPT_NOT_FOUND": (404, "笔录不存在或您无权查看。"),
        "RECORDING_ARCHIVE_NOT_FOUND": (404, "案卷归档包不存在。"),
        "RECORDING_UPLOAD_NOT_FOUND": (404, "上传不存在或已结束。"),
        "RECORDING_UPLOAD_OFFSET_MISMATCH": (409, "上传位置不符：服务器已收到 %(offset)s 字节。"),
        "RECORDING_UPLOAD_CHECKSUM_MISMATCH": (460, "数据块校验和不符，本块未保存。"),
        "RECORDING_UPLOAD_CHECKSUM_UNSUPPORTED": (400, "不支持该校验算法。"),
        "RECORDING_UPLOAD_TOO_LARGE": (413, "文件超过允许的最大大小。"),
        "RECORDING_UPLOAD_VERSION": (412, "不支持的 tus 协议版本。"),
        "RECORDING_UPLOAD_INVALID": ((400, 415), "上传请求有误：%(field)s。"),
    },
)
