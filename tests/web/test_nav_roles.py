"""Issue 9: each role is offered its work — an officer is not offered the Excel import."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "offered"),
    [("alice", False), ("grace", True), ("admin", True)],
)
def test_import_is_offered_only_to_who_may_import(cast, client, who, offered):
    client.force_login(getattr(cast, who))
    page = client.get("/backoffice/").content.decode()
    assert ('href="/backoffice/registry/io/"' in page) is offered
