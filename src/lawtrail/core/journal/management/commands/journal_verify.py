import sys
import time

from django.core.management.base import BaseCommand

from lawtrail.core.journal.services import journal_verify


class Command(BaseCommand):
    help = "重新计算整个执法日志（叶子、序号、子树、检查点、被记录的数据行），逐条列出不符之处。"

    def add_arguments(self, parser):
        parser.add_argument("--no-integrate", action="store_true", help="不先排序新条目（只读）")

    def handle(self, *args, **options):
        started = time.perf_counter()
        report = journal_verify(integrate=not options["no_integrate"])
        for line in report.problems:
            self.stdout.write(line)
        summary = (
            f"已检查 {report.entries} 条条目、{report.nodes} 个子树哈希、{report.checkpoints} 个检查点"
            f"（见证 {report.witnessed} 个）、{report.subjects} 个被记录的对象、{report.tables} 张数据表的全部行；"
            f"{report.unsigned} 条新条目尚待下一个检查点签署（已凭认证码核验），"
            f"用时 {time.perf_counter() - started:.1f} 秒。"
        )
        if report.ok:
            self.stdout.write(f"日志完整。{summary}")
            return
        self.stderr.write(f"发现 {len(report.problems)} 处不符。{summary}")
        sys.exit(1)
