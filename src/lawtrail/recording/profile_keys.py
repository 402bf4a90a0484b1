"""Rule-profile keys recording adds (ARCHITECTURE.md, "Rule profiles"). ``recording.upload_window``
and the G118-8 lists are the profile's own keys (``profiles/keys.py``)."""

from lawtrail.profiles.keys import KEYS, ProfileKey, register

if "recording.retention_years" not in KEYS:
    register(
        ProfileKey(
            "recording.retention_years",
            "执法音像记录保存期限",
            "int",
            "年",
            "G118-9",
            6,
            "作为证据使用的音像记录随案卷保存；未作为证据使用的，保存期限届满后经批准方可处置（示例：6年，以本地规定为准）。",
            interpretive=True,
            min_value=1,
            max_value=100,
        )
    )
