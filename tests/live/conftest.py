"""Live's fixtures: the cast, a case of agency A, a reviewed drone held by alice recording for
that case (with its stream key), the HLS and recording directories and the vault in temporary
directories, and a LawTrail server on a free port (``tests.ports``)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone

from lawtrail.cases.models import Case, State
from lawtrail.live.nginx import NginxRtmp
from lawtrail.recording import services as recording
from tests.core.vault.conftest import local_vault  # noqa: F401 — shared fixture
from tests.ports import free_port, release, start_on_free_port


@dataclass
class Drone:
    device: object
    key: str
    case: object


@pytest.fixture
def live_dirs(settings, tmp_path):
    settings.LAWTRAIL_LIVE_HLS_DIR = tmp_path / "live" / "hls"
    settings.LAWTRAIL_LIVE_RECORD_DIR = tmp_path / "live" / "rec"
    for d in (settings.LAWTRAIL_LIVE_HLS_DIR, settings.LAWTRAIL_LIVE_RECORD_DIR):
        d.mkdir(parents=True)
    return settings.LAWTRAIL_LIVE_HLS_DIR, settings.LAWTRAIL_LIVE_RECORD_DIR


def make_case(cast, title="某工地违法施工案"):
    case = Case.objects.create(
        agency=cast.agency_a,
        domain=cast.market,
        region=cast.changan,
        title=title,
        handler=cast.alice,
        lead_on=timezone.localdate(),
        state=State.INVESTIGATING,
    )
    case.officers.set([cast.alice])
    return case


def make_drone(cast, *, serial="DJI-M30-001", case=None, reviewed=True, task="长安区建筑工地巡查") -> Drone:
    device = recording.device_register(
        actor=cast.grace, agency=cast.agency_a, serial=serial, kind="drone", model_name="DJI M30T"
    )
    device = recording.device_update(actor=cast.grace, device=device, holder=cast.alice, case=case, task=task)
    if reviewed:
        device = recording.device_review(actor=cast.grace, device=device, passed=True)
    device, key = recording.device_stream_key_regenerate(actor=cast.grace, device=device)
    return Drone(device, key, case)


@pytest.fixture
def drone(cast):
    return make_drone(cast, case=make_case(cast))


@pytest.fixture
def app_server(transactional_db):
    """LawTrail served on a free port (pytest-django's live server machinery): it binds port 0,
    the kernel's choice, itself — nothing can take the port between choosing and binding."""
    from django.core.servers.basehttp import WSGIServer
    from pytest_django.live_server_helper import LiveServer

    class OneAtATime(WSGIServer):
        """One request at a time: the in-memory SQLite test database is one connection shared by
        the server's threads, and nginx's publish_done and record_done arrive together (two
        threads in one connection's transaction — never so with a real database file or server)."""

        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    server = LiveServer("127.0.0.1:0", start=False)
    server.thread.server_class = OneAtATime
    server.start()
    yield server
    server.stop()


def start_nginx(**kw) -> NginxRtmp:
    """``NginxRtmp(**kw)`` started on two free ports (others are tried if someone binds one first);
    used as ``with start_nginx(...) as ngx``."""

    def start(rtmp_port):
        http_port = free_port()
        try:
            return NginxRtmp(rtmp_port=rtmp_port, http_port=http_port, **kw).start()
        except OSError:
            release(http_port)
            raise

    return start_on_free_port(start)
