"""`lawtrail jobs`: run the periodic jobs without Celery (the embedded default)."""

from django.core.management.base import BaseCommand

from lawtrail.ops.jobs import Runner


class Command(BaseCommand):
    help = "运行周期任务（日志整合、检查点签署等；无消息队列时使用，生产环境由 Celery beat 负责）"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="每个任务运行一次后退出")

    def handle(self, *args, once: bool = False, **options):
        runner = Runner()
        if once:
            runner.sync_schedule()
            for name, status in runner.tick().items():
                self.stdout.write(f"{name}: {status}")
            return
        runner.run_forever()
