from django.conf import settings
from django.core.management.base import BaseCommand

from lawtrail.core.journal.signing import ensure_key_file, journal_key


class Command(BaseCommand):
    help = "创建日志签名密钥文件（已存在则不变），并打印公钥。"

    def handle(self, *args, **options):
        if settings.LAWTRAIL_JOURNAL_KEY:
            self.stdout.write("使用环境变量 LAWTRAIL_JOURNAL_KEY 中的密钥。")
        elif ensure_key_file(settings.LAWTRAIL_JOURNAL_KEY_FILE):
            self.stdout.write(f"已创建密钥文件 {settings.LAWTRAIL_JOURNAL_KEY_FILE}")
        else:
            self.stdout.write(f"密钥文件已存在：{settings.LAWTRAIL_JOURNAL_KEY_FILE}")
        key = journal_key()
        self.stdout.write(f"公钥（Ed25519，base64）：{key.public_b64}")
        self.stdout.write(f"验证密钥：{key.verifier_key}")
