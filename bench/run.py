"""Run every benchmark in bench/ (``make bench``), one after the other.

Each benchmark script sets Django up itself against DATABASE_URL (default: a scratch
PostgreSQL database ``lawtrail_bench``), measures a baseline in the same run, and prints
its figures with the ratio to that baseline. Extra arguments are passed to every script
(e.g. ``--n 10000`` for a quick run).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(
        p
        for p in HERE.glob("*.py")
        # deploy_check.py is a deployment check with a load run (`make deploy-test`), not a ratio benchmark
        if p.name not in {"run.py", "_setup.py", "deploy_check.py"} and not p.name.startswith("_")
    )
    status = 0
    for script in scripts:
        print(f"\n=== {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script), *sys.argv[1:]])
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
