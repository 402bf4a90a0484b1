from django.core.management.base import BaseCommand

from lawtrail.core.journal.services import journal_integrate


class Command(BaseCommand):
    help = "为已提交但尚未排序的日志条目分配序号并更新默克尔树。"

    def handle(self, *args, **options):
        self.stdout.write(f"已排序 {journal_integrate()} 条。")
