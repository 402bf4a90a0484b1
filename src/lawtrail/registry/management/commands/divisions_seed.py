from django.core.management.base import BaseCommand

from lawtrail.registry.reference import divisions_seed


class Command(BaseCommand):
    help = "导入 GB/T 2260 行政区划（省、地、县三级；可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--province", action="append", help="只导入该省（如 130000），可多次指定")

    def handle(self, *args, province=None, **options):
        created = divisions_seed(provinces=province)
        self.stdout.write(f"新增行政区划 {created} 个。")
