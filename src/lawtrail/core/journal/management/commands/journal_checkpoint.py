import base64

from django.core.management.base import BaseCommand

from lawtrail.core.journal.services import journal_checkpoint
from lawtrail.core.journal.signing import signed_note


class Command(BaseCommand):
    help = "立即排序新条目并签署一个日志检查点，打印签名笔记。"

    def add_arguments(self, parser):
        parser.add_argument("--if-grown", action="store_true", help="日志未增长时不新建检查点")

    def handle(self, *args, **options):
        cp = journal_checkpoint(only_if_grown=options["if_grown"])
        self.stdout.write(
            signed_note(cp.text, cp.origin, bytes.fromhex(cp.key_id), base64.b64decode(cp.signature))
        )
