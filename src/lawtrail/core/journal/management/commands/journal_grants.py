from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from lawtrail.core.journal.grants import grants_apply, grants_sql


class Command(BaseCommand):
    help = (
        "打印（或以表所有者身份执行）PostgreSQL 授权语句：应用的数据库角色对执法日志各表只能追加，"
        "不能修改或删除（docs/journal.md）。每次 lawtrail migrate 之后重新执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="应用使用的数据库角色（DATABASE_URL 中的用户）")
        parser.add_argument("--schema", default="public")
        parser.add_argument("--apply", action="store_true", help="在当前数据库连接上执行（须为表的所有者）")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("数据库授权只适用于 PostgreSQL；SQLite 没有角色。")
        for statement in grants_sql(options["role"], options["schema"]):
            self.stdout.write(statement + ";\n")
        if options["apply"]:
            with transaction.atomic():
                grants_apply(options["role"], options["schema"])
            self.stdout.write(f"已授权：角色 {options['role']} 对日志各表只能追加。")
