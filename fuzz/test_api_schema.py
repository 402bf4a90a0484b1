"""Schemathesis over the whole OpenAPI schema (issue 13): every operation is called with
generated inputs — valid and invalid — as the system administrator, and each answer must be no
server error, with a status code and a content type the schema documents.

Bounded: ``LAWTRAIL_FUZZ_EXAMPLES`` examples per operation (default 5), no deadline; ``make
fuzz`` runs it in well under three minutes. Not part of ``make test`` (its own directory), part of
``.ci/run``.
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from lawtrail.wsgi import application

# the fuzzing phase (generated inputs) and the schema's examples; the coverage phase (every
# boundary of every parameter) and stateful links would take far longer than the budget
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
# The tus upload endpoints answer by the tus 1.0 protocol (412 without Tus-Resumable, 460 on a
# checksum mismatch …) and are tested with the reference client in tests/recording/test_tus.py.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG).exclude(
    path_regex=r"^/api/v1/recording/uploads"
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
EXAMPLES = int(os.environ.get("LAWTRAIL_FUZZ_EXAMPLES", "5"))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api(case, fuzz_token):
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_token}"}, checks=CHECKS)
