"""Schemathesis over the OpenAPI document: every operation the document lists is called with data
generated from its schema (valid and invalid), as every role and as a caller without a token, and
each answer must be no server error (5xx), a status code the operation declares, and a declared
content type. So the document tells the truth about every answer, and bad input is a 4xx problem.

Deterministic: Hypothesis is derandomized (the same examples every run) with no example database,
and no shrinking (a failure is reported as found, all of them at once, within a bounded time).

What it runs against (tests/fuzz_world.py): a world built through the API, with the Stripe test
servers (localstripe for PaymentIntents, the Connect test server for payouts), so checkout,
payout onboarding, settlement and the webhook run for real instead of answering "payments
disabled". Half the examples put the world's real ids in the path, so calls reach past the 404.

Not here, and why: the websockets (`/ws/…`) are not OpenAPI operations (their input is fuzzed by
tests/integration/broadcast/liveroom); the pages (`/`, `/live/…`, `/console`, …) are HTML kept out
of the document. The Stripe webhook IS fuzzed: without a valid signature it must answer 400."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from server.app import create_app
from tests.app_settings import stripe_settings
from tests.fuzz_world import ROLES, FuzzWorld, build_world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
# A bounded run in the suite; `ZX_FUZZ_EXAMPLES=200` searches deeper by hand (the same examples each run).
EXAMPLES_PER_OPERATION = int(os.environ.get("ZX_FUZZ_EXAMPLES", "8"))
CALLERS = [*ROLES, None]  # None: no token at all
FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


# The outage answers (503 database-unavailable / busy) have tests of their own; here a loaded CI
# machine must not turn a slow connect into one, so the waits are long (pytest-timeout bounds them).
PATIENT_DATABASE = {"db_connect_timeout_s": 30.0, "db_pool_timeout_s": 30.0, "db_statement_timeout_ms": 60_000}


@dataclass
class Findings:
    failures: dict[str, str] = field(default_factory=dict)  # "operation: check" -> the first report
    statuses: Counter[int] = field(default_factory=Counter)
    examples: int = 0

    def report(self, operations: int, seconds: float) -> str:
        codes = ", ".join(f"{code}×{n}" for code, n in sorted(self.statuses.items()))
        return f"{operations} operations, {self.examples} examples in {seconds:.1f} s; answers {codes}"


def _strategy(operation: Any) -> Any:
    modes = [operation.as_strategy(GenerationMode.POSITIVE)]
    modes.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return st.one_of(modes)


def fuzz_operation(operation: Any, world: FuzzWorld, findings: Findings) -> None:
    @FUZZ
    @given(case=_strategy(operation), caller=st.sampled_from(CALLERS), real_ids=st.booleans())
    def run(case: Any, caller: str | None, real_ids: bool) -> None:
        findings.examples += 1
        if real_ids and case.path_parameters:
            case.path_parameters = world.path_parameters(operation.path, case.path_parameters)
        headers = {"Authorization": f"Bearer {world.tokens[caller]}"} if caller else {}
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            findings.statuses[response.status_code] += 1
        except FailureGroup as group:
            for failure in group.exceptions:
                findings.failures.setdefault(f"{operation.label}: {failure.title}", str(group)[:2000])

    run()


def test_every_answer_is_declared_and_no_input_is_a_server_error(db_url, localstripe, connect_server):
    config = stripe_settings(db_url, localstripe, stripe_connect_api_base=connect_server.base_url, **PATIENT_DATABASE)
    world = asyncio.run(build_world(create_app(config)))
    app = create_app(config)
    findings, started = Findings(), time.monotonic()
    try:
        schema = schemathesis.openapi.from_asgi("/api/docs/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            fuzz_operation(operation, world, findings)
    finally:
        asgi.shutdown_lifespans()
    print(findings.report(len(operations), time.monotonic() - started))
    assert not findings.failures, "\n\n".join(f"{key}\n{report}" for key, report in sorted(findings.failures.items()))
    assert len(operations) >= 100 and findings.examples >= len(operations) * 4
    assert sum(n for code, n in findings.statuses.items() if code < 300) > findings.examples // 10
