import datetime as dt

from django.core.management.base import BaseCommand

from lawtrail.cases import outbox


class Command(BaseCommand):
    help = "投递案件事件发件箱中待投递的事件（错过的投递与重试）。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000)
        parser.add_argument("--grace", type=float, default=None, help="只投递创建超过该秒数的事件")

    def handle(self, *args, limit: int, grace: float | None, **options):
        done = outbox.sweep(limit=limit, grace=None if grace is None else dt.timedelta(seconds=grace))
        lag = outbox.lag_seconds()
        self.stdout.write(f"已投递 {done} 条；最早未投递事件已等待 {lag:.0f} 秒")
