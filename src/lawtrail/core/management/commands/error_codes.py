"""Write docs/error-codes.md from the apps' declared error catalogues (``<app>/error_codes.py``)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from lawtrail.core.errors import catalogues

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "error-codes.md"


def markdown() -> str:
    out = [
        "# 错误码一览",
        "",
        "> 本文件由 `lawtrail error_codes` 根据各模块声明的错误码目录（`src/lawtrail/**/error_codes.py`）生成，请勿手工修改。",
        "",
        "每个拒绝都以 `{code, message, rule?, details?}` 返回；`code` 稳定不变，`message` 为中文说明，"
        "`rule` 为拒绝所依据的规则（见 RULES.md）。HTTP 状态：400 输入或规则不符，403 无权限，404 不存在或无权查看，"
        "409 与当前状态冲突。",
        "",
    ]
    for app, cat in catalogues().items():
        out += [f"## {cat.title}（`{app}`）", "", "| 错误码 | HTTP | 说明 |", "| --- | --- | --- |"]
        for code, e in sorted(cat.codes.items()):
            text = " ".join(e.message.split()).replace("|", "\\|")
            out.append(f"| `{code}` | {'/'.join(map(str, e.statuses))} | {text} |")
        out.append("")
    return "\n".join(out)


class Command(BaseCommand):
    help = "根据各模块声明的错误码目录生成 docs/error-codes.md。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEFAULT_PATH))
        parser.add_argument("--check", action="store_true", help="只检查文件是否为最新，不写入")

    def handle(self, *args, output: str, check: bool, **options):
        path, text = Path(output), markdown()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                self.stderr.write(f"{path} 不是最新，请运行 lawtrail error_codes")
                raise SystemExit(1)
            self.stdout.write(f"{path} 是最新的。")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"已写入 {path}")
