"""`calendar_seed`: load the working-day table from `chinese-calendar` (idempotent).

Every year the installed package covers is loaded unless already covered (an admin's
own definition of a year is never overwritten). ``--year`` limits it to given years.
"""

from django.core.management.base import BaseCommand, CommandError

from lawtrail.core.calendar.services import calendar_year_seed, package_years
from lawtrail.core.errors import ApplicationError


class Command(BaseCommand):
    help = "从 chinese-calendar 数据包导入工作日历（可重复执行，已有年度跳过）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="只导入指定年度（可重复）")

    def handle(self, *args, year=None, **options):
        years = year or package_years()
        created = skipped = 0
        for y in years:
            try:
                result = calendar_year_seed(actor=None, year=y)
            except ApplicationError as exc:
                raise CommandError(f"{exc.code}: {exc.message}") from None
            if result is None:
                skipped += 1
            else:
                created += 1
        self.stdout.write(f"工作日历：导入 {created} 个年度，跳过已有 {skipped} 个年度。")
