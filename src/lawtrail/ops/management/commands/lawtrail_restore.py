from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lawtrail.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 lawtrail backup 的目录恢复：先核对校验和，再替换数据库、补回文件库中缺少的文件、恢复见证文件（已存在则不动）。之后请运行 lawtrail verify。"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--yes", action="store_true", help="确认替换当前数据库")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("恢复会替换当前数据库的全部内容；确认请加 --yes。")
        try:
            result = restore(options["directory"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已恢复数据库 {result.database}；文件库补回 {result.vault_restored} 个文件"
            f"（{result.vault_present} 个已存在）；{result.witness}。请运行 lawtrail verify。"
        )
