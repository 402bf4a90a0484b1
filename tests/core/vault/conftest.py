"""The vault's fixtures: a local vault in a temporary directory (so "stored once" can be counted),
and a real S3-protocol server (moto_server, started here) for the S3 path."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ports import start_on_free_port, wait_for_port


@pytest.fixture
def local_vault(settings, tmp_path):
    storages = dict(settings.STORAGES)
    storages["vault"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "vault"), "file_permissions_mode": 0o444},
    }
    settings.STORAGES = storages
    return tmp_path / "vault"


@pytest.fixture(scope="session")
def s3_server():
    """A moto S3 server on a free port (``tests.ports``); yields its endpoint URL."""
    exe = Path(sys.executable).with_name("moto_server")

    def start(port):
        proc = subprocess.Popen(
            [str(exe if exe.exists() else shutil.which("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(port, proc=proc)
        except OSError:
            proc.kill()
            proc.wait(timeout=10)
            raise
        return port, proc

    port, proc = start_on_free_port(start)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3_vault(settings, s3_server):
    import uuid

    import boto3

    bucket = f"vault-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket)
    storages = dict(settings.STORAGES)
    storages["vault"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": "vault",
            "endpoint_url": s3_server,
            "access_key": "test",
            "secret_key": "test",
            "region_name": "us-east-1",
            "file_overwrite": False,
        },
    }
    settings.STORAGES = storages
    return client, bucket
