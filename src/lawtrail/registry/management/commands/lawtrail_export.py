"""``lawtrail export catalog|staff FILE.xlsx`` and ``lawtrail export template catalog|staff FILE.xlsx``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lawtrail.core.errors import ApplicationError
from lawtrail.registry import excel


class Command(BaseCommand):
    help = "导出权力事项目录或工作人员（.xlsx），或下载导入模板：export template catalog|staff FILE。"

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="+", metavar="catalog|staff|template [catalog|staff] FILE")
        parser.add_argument("--as", dest="as_user", default=None, help="以该账号身份导出（默认：系统）")

    def handle(self, *args, as_user: str | None, **options):
        actor = None
        if as_user:
            actor = get_user_model().objects.filter(username=as_user).first()
            if actor is None:
                raise CommandError(f"账号“{as_user}”不存在。")
        args = list(args)
        try:
            if len(args) == 3 and args[0] == "template" and args[1] in {"catalog", "staff"}:
                data = excel.catalog_template() if args[1] == "catalog" else excel.staff_template()
                path = args[2]
            elif len(args) == 2 and args[0] in {"catalog", "staff"}:
                data = (excel.export_catalog if args[0] == "catalog" else excel.export_staff)(actor=actor)
                path = args[1]
            else:
                raise CommandError(
                    "用法：lawtrail export catalog|staff FILE.xlsx 或 lawtrail export template catalog|staff FILE.xlsx"
                )
        except ApplicationError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        with open(path, "wb") as fh:
            fh.write(data)
        self.stdout.write(f"已写入 {path}（{len(data)} 字节）")
