"""`lawtrail setup`: everything the embedded default needs, safe to run again.

migrate → journal signing key → working-day calendar → national rule profile →
demo data (only into an empty database) → print the demo accounts.
"""

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

# (command, options). Each step is idempotent on its own.
STEPS: list[tuple[str, dict]] = [
    ("migrate", {"interactive": False, "verbosity": 0}),
    ("journal_keygen", {}),
    ("divisions_seed", {}),
    ("calendar_seed", {}),
    ("profiles_seed", {}),
    ("load_demo", {"once": True}),
    ("journal_checkpoint", {"if_grown": True}),
]


class Command(BaseCommand):
    help = "初始化（迁移数据库、生成签名密钥、导入工作日历与规则配置、加载演示数据）"

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="不加载演示数据")

    def handle(self, *args, no_demo: bool = False, **options):
        known = get_commands()
        for name, kwargs in STEPS:
            if no_demo and name == "load_demo":
                continue
            if name not in known:
                self.stderr.write(f"跳过未安装的步骤：{name}")
                continue
            self.stdout.write(f"· {name}")
            call_command(name, **kwargs)
        self.stdout.write(self.style.SUCCESS("初始化完成。"))
