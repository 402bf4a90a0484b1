from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lawtrail.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库、文件库和日志见证文件到一个新目录（密钥不在其中，另行保管；docs/operations.md）。"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="备份目录（不存在或为空）")

    def handle(self, *args, **options):
        try:
            result = backup(options["directory"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已备份到 {result.directory}：数据库（{result.database}）、文件库 {result.vault_files} 个文件、"
            f"见证 {result.witness_lines} 条。签名密钥与 SECRET_KEY 不在备份中，请另行保管。"
        )
