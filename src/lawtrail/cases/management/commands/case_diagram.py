"""Write docs/case-states.md from the transition table (so the diagram cannot drift), and the
per-action error codes of the cases API (``cases/error_map.py``)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from lawtrail.cases import error_map_gen
from lawtrail.cases.workflow import states_markdown

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "case-states.md"


class Command(BaseCommand):
    help = "根据办案状态转换表生成 docs/case-states.md（状态图与操作一览）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(DEFAULT_PATH), help="输出文件（默认 docs/case-states.md）"
        )
        parser.add_argument("--check", action="store_true", help="只检查文件是否为最新，不写入")

    def handle(self, *args, output: str, check: bool, **options):
        targets = [(Path(output), states_markdown())]
        if output == str(DEFAULT_PATH):  # the per-action error codes of the API go with the table
            targets.append((error_map_gen.PATH, error_map_gen.source()))
        stale = False
        for path, text in targets:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if check:
                if current != text:
                    self.stderr.write(f"{path} 不是最新，请运行 lawtrail case_diagram")
                    stale = True
                else:
                    self.stdout.write(f"{path} 是最新的。")
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"已写入 {path}")
        if stale:
            raise SystemExit(1)
