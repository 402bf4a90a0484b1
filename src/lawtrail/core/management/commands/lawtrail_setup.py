"""`lawtrail setup`: everything the embedded default needs, safe to run again.

database (created on PostgreSQL when missing and allowed) → migrate → secret key (var/,
unless LAWTRAIL_SECRET_KEY is set) → journal signing key → static files (hashed, compressed)
→ working-day calendar → national rule profile → demo data (only into an empty database) →
first checkpoint.
"""

import os

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from lawtrail.config import ensure_secret_key_file, var_dir
from lawtrail.ops.database import DatabaseUnavailable, ensure_database

# Only what the pages use from the front-end packages: the rest of their dist folders
# (other builds, ES modules and their source maps: ~45 MB) is neither collected nor compressed.
STATIC_IGNORE = [
    "echarts.js*", "echarts.common*", "echarts.simple*", "echarts.esm*", "extension", "*.mjs",
    # hls.js ships ~30 MB of builds and source maps; the live page uses hls.min.js
    "hls.js", "hls.js.map", "*.mjs.map", "hls-demo*", "hls.light*", "hls.worker*", "*.d.ts", "*.d.mts", "leaflet-src*",
    "esm",  # tom-select's ES modules (the page loads tom-select.complete.min.js)
]  # fmt: skip

# (command, options). Each step is idempotent on its own.
STEPS: list[tuple[str, dict]] = [
    ("migrate", {"interactive": False, "verbosity": 0}),
    ("journal_keygen", {}),
    ("collectstatic", {"interactive": False, "verbosity": 0, "ignore_patterns": STATIC_IGNORE}),
    ("divisions_seed", {}),
    ("calendar_seed", {}),
    ("profiles_seed", {}),
    ("load_demo", {"once": True}),
    ("journal_checkpoint", {"if_grown": True}),
]


class Command(BaseCommand):
    help = "初始化（创建并迁移数据库、生成密钥、收集静态文件、导入工作日历与规则配置、加载演示数据）"

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="不加载演示数据")

    def handle(self, *args, no_demo: bool = False, **options):
        try:
            if ensure_database(settings.DATABASES["default"]) == "created":
                self.stdout.write(f"· 已创建数据库 {settings.DATABASES['default']['NAME']}")
        except DatabaseUnavailable as exc:
            raise CommandError(str(exc)) from None
        if not os.environ.get("LAWTRAIL_SECRET_KEY") and ensure_secret_key_file(var_dir()):
            self.stdout.write("· 已生成密钥 var/secret-key")
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
