"""``lawtrail import catalog FILE.xlsx`` / ``lawtrail import staff FILE.xlsx`` [--as USERNAME].

All or nothing: any bad row refuses the whole file; every error is printed on its own
line as ``工作表 第N行 【列】 原因`` and the command exits non-zero.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lawtrail.core.errors import ApplicationError
from lawtrail.registry import services


def print_error(stream, exc: ApplicationError) -> None:
    stream.write(f"{exc.code}: {exc.message}")
    if isinstance(exc.details, list):
        for d in exc.details:
            if "sheet" in d:
                stream.write(f"{d['sheet']} 第{d['row']}行 【{d['column']}】 {d['reason']}")
            else:
                stream.write(str(d))


class Command(BaseCommand):
    help = "从 Excel（.xlsx）导入权力事项目录（catalog）或工作人员与执法证（staff）。"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["catalog", "staff"])
        parser.add_argument("file")
        parser.add_argument("--as", dest="as_user", default=None, help="以该账号身份导入（默认：系统）")

    def handle(self, *args, what: str, file: str, as_user: str | None, **options):
        actor = None
        if as_user:
            actor = get_user_model().objects.filter(username=as_user).first()
            if actor is None:
                raise CommandError(f"账号“{as_user}”不存在。")
        try:
            with open(file, "rb") as fh:
                service = services.catalog_import if what == "catalog" else services.staff_import
                counts = service(actor=actor, fileobj=fh)
        except FileNotFoundError:
            raise CommandError(f"文件不存在：{file}") from None
        except ApplicationError as exc:
            print_error(self.stderr, exc)
            raise CommandError("导入失败，未导入任何数据。", returncode=1) from None
        self.stdout.write("导入完成：" + "，".join(f"{k}={v}" for k, v in counts.items()))
