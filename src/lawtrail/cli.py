"""The ``lawtrail`` command: the management commands operators use, under one name.

lawtrail setup                 create/migrate the database, keys, static files, demo data once
lawtrail serve [ADDR:PORT]     serve pages and API with gunicorn (default 127.0.0.1:8000);
                               without a broker also runs the periodic jobs beside it
lawtrail jobs                  run the periodic jobs (embedded default; production: Celery beat)
lawtrail import catalog FILE   import the power catalogue from .xlsx
lawtrail import staff FILE     import staff and credentials from .xlsx
lawtrail export catalog FILE   (and staff)
lawtrail verify                recompute the journal and name what does not match
lawtrail checkpoint            sign a journal checkpoint now
lawtrail proof ...             inclusion / consistency proofs
lawtrail signer serve ...      the journal's signer process, holding the key (docs/journal.md)
lawtrail grants --role ROLE    the PostgreSQL GRANTs: the application's role INSERT-only on the journal
lawtrail backup DIR / lawtrail restore DIR   database, vault files, witness (keys apart)
lawtrail calendar ...          seed or inspect the working-day calendar
lawtrail device-sim SERIAL --agency CODE --key KEY   a simulated drone (RTMP video + MQTT telemetry)
lawtrail verify-archive PACKAGE [--key KEY.json]   check a case's archive package offline (no database)
lawtrail live_nginx            nginx's RTMP configuration for live video (--run: run one here)
lawtrail mqtt_listen           devices' MQTT telemetry into the live page (lawtrail jobs runs it)
lawtrail <any manage.py command>   (runserver: the autoreloading development server, `make dev`)
"""

from __future__ import annotations

import os
import sys

from django.core.management import execute_from_command_line

from lawtrail.archive.verify import main as verify_archive_main
from lawtrail.config import ensure_secret_key_file, var_dir
from lawtrail.core.journal.signer import main as signer_main
from lawtrail.ops.server import serve

# Short names for the operator commands; anything else is passed to Django as is.
ALIASES = {
    "import": "lawtrail_import",
    "export": "lawtrail_export",
    "verify": "journal_verify",
    "checkpoint": "journal_checkpoint",
    "proof": "journal_proof",
    "grants": "journal_grants",
    "backup": "lawtrail_backup",
    "restore": "lawtrail_restore",
    "calendar": "calendar_seed",
    "setup": "lawtrail_setup",
    "demo": "load_demo",
    "device-sim": "device_sim",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrail.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    if args[0] == "signer":  # no Django: the signer's host needs no settings, no database
        sys.exit(signer_main(args[1:]))
    if args[0] == "verify-archive":  # offline: no settings, no database (lawtrail/archive/verify.py)
        sys.exit(verify_archive_main(args[1:]))
    if args[0] == "serve":  # the production server: gunicorn, configured in lawtrail.ops.server
        sys.exit(serve(args[1:]))
    if args[0] == "setup" and not os.environ.get("LAWTRAIL_SECRET_KEY"):
        # before Django reads its settings, so this very process already uses the new key
        ensure_secret_key_file(var_dir())
    args[0] = ALIASES.get(args[0], args[0])

    execute_from_command_line(["lawtrail", *args])


if __name__ == "__main__":
    main()
