"""Demo live devices: a reviewed drone and a body camera of the demo agency, held by the demo
officer, recording for one of the officer's open cases, each with a fresh stream key printed once
— so ``lawtrail device-sim`` can stand in for them (docs/recording.md "Live"). Through
recording's services only (register, assign, review, key)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from lawtrail.cases.models import Case, State
from lawtrail.recording import services as recording
from lawtrail.recording.models import Device
from lawtrail.registry.models import Agency

HOME_AGENCY = "石家庄市长安区市场监督管理局"
DEVICES = (
    ("DJI-M30T-0001", Device.Kind.DRONE, "DJI Matrice 30T", "长安区建筑工地违法施工巡查"),
    ("BWC-0001", Device.Kind.BODY_CAMERA, "执法记录仪 DSJ-V9", "长安区农贸市场日常检查"),
)


def load_demo_live(*, officer: str = "officer", admin: str = "unitadmin", agency_name: str = HOME_AGENCY,
                   stdout=None) -> list[tuple[Device, str]]:  # fmt: skip
    users = get_user_model().objects
    agency = Agency.objects.filter(name=agency_name).first()
    holder, configurer = users.filter(username=officer).first(), users.filter(username=admin).first()
    if agency is None or holder is None or configurer is None:
        return []
    case = (
        Case.objects.filter(agency=agency, handler=holder, state=State.INVESTIGATING).order_by("-id").first()
    )
    out = []
    for n, (serial, kind, model_name, task) in enumerate(DEVICES):
        device = recording.device_register(
            actor=configurer, agency=agency, serial=serial, kind=kind, model_name=model_name
        )
        device = recording.device_update(
            actor=configurer, device=device, holder=holder, case=case if n == 0 else None, task=task
        )
        device = recording.device_review(actor=configurer, device=device, passed=True)
        device, key = recording.device_stream_key_regenerate(actor=configurer, device=device)
        out.append((device, key))
    if stdout is not None:
        stdout.write("\n演示设备（推流密钥只显示这一次；设备页面可重新生成）：")
        for device, key in out:
            stdout.write(f"  lawtrail device-sim {device.serial} --agency {agency.credit_code} --key {key}")
    return out
