"""The ``sqs_queue`` kind: its ARN checks, least-privilege statements, and proofs the evaluator makes.

Breaks tried here: a wildcard, a short account, an unknown region, a bad or too long queue name (each a
registry problem at its line, saying what to write); a statement widened to ``sqs:*`` or to every queue
of a prefix, or missing DeleteMessage (each caught by the kind's cases, judged by the evaluator).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.policy import build_roles
from generator.policy.documents import PolicyDocument, Statement
from generator.proof.expectations import Case, permission_cases
from generator.proof.judge import judge
from generator.registry import RegistryError, Scenario, load_registry, load_registry_text

FIXTURE = Path(__file__).parent / "fixtures" / "sqs_tenants.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")
ACME_IN = "arn:aws:sqs:us-east-1:222222222222:acme-in"
LINE = 1 + TEXT.splitlines().index(next(x for x in TEXT.splitlines() if ACME_IN in x))
PATH = "tenants[0].partner_to_customer.permissions[0].sqs_queue.queue_arn"


def _problems(arn: str) -> list[str]:
    with pytest.raises(RegistryError) as caught:
        load_registry_text(TEXT.replace(ACME_IN, arn), "r.yaml")
    return [str(p).removeprefix("r.yaml:") for p in caught.value.problems]


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        ("arn:aws:sqs:us-east-1:222222222222:acme-*", "wildcards are not allowed: name one queue by its ARN"),
        ("arn:aws:sns:us-east-1:222222222222:acme-in", "is not an SQS queue ARN: write arn:aws:sqs:REGION:"),
        ("https://sqs.us-east-1.amazonaws.com/222222222222/acme-in", "is not an SQS queue ARN"),
        ("arn:aws:sqs:us-east-1:22222222222:acme-in", 'the account "22222222222" must be 12 digits: copy'),
        ("arn:aws:sqs:us-east-1:2222222222220:acme-in", "must be 12 digits"),
        ("arn:aws:sqs:us-east-9:222222222222:acme-in", 'the region "us-east-9" is not an AWS region: use'),
        ("arn:aws:sqs::222222222222:acme-in", "is not an AWS region"),
        ("arn:aws:sqs:us-east-1:222222222222:acme.in", 'the queue name "acme.in" is not valid: use 1-80'),
        ("arn:aws:sqs:us-east-1:222222222222:.fifo", "is not valid"),
        ("arn:aws:sqs:us-east-1:222222222222:acme-in.fifo.fifo", "is not valid"),
        ("arn:aws:sqs:us-east-1:222222222222:", "is not valid"),
        ("arn:aws:sqs:us-east-1:222222222222:" + "q" * 81, "is not valid"),
        ("arn:aws:sqs:us-east-1:222222222222:" + "q" * 76 + ".fifo", "is not valid"),
    ],
)
def test_a_bad_queue_arn_is_one_problem_at_its_line(arn: str, message: str) -> None:
    found = _problems(arn)
    assert len(found) == 1, found
    assert found[0].startswith(f"{LINE}: {PATH}: "), found
    assert message in found[0]


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:sqs:us-east-1:222222222222:" + "q" * 80,
        "arn:aws:sqs:us-east-1:222222222222:" + "q" * 75 + ".fifo",
        "arn:aws:sqs:eu-central-1:222222222222:Acme_In-2.fifo",
        "arn:aws-us-gov:sqs:us-gov-west-1:222222222222:acme-in",
    ],
)
def test_valid_queue_arns(arn: str) -> None:
    load_registry_text(TEXT.replace(ACME_IN, arn))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("access: read", "must be one of 'send', 'receive' or 'send-receive'"),
        ("access: send, queue: x", 'unknown key "queue"'),
    ],
)
def test_access_and_keys_are_checked(extra: str, message: str) -> None:
    text = TEXT.replace(f'"{ACME_IN}", access: send-receive', f'"{ACME_IN}", {extra}')
    with pytest.raises(RegistryError) as caught:
        load_registry_text(text)
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems


def _policy(tenant: str, scenario: Scenario) -> tuple[list[Statement], list[Case]]:
    loaded = load_registry(FIXTURE)
    spec = next(s for s in build_roles(loaded.model) if s.key == f"{tenant}/{scenario}")
    model_tenant = next(t for t in loaded.model.tenants if t.name == tenant)
    return list(spec.statements), permission_cases(model_tenant, scenario, spec.account_id)


def test_least_privilege_statements_per_access() -> None:
    send_receive, _ = _policy("acme", "partner_to_customer")
    send, _ = _policy("acme", "customer_to_partner")
    receive, _ = _policy("globex", "partner_to_customer")
    assert [s.to_iam() for s in send_receive] == [
        {
            "Sid": "SqsQueue1",
            "Effect": "Allow",
            "Action": [
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
                "sqs:ReceiveMessage",
                "sqs:SendMessage",
            ],
            "Resource": [ACME_IN],
        }
    ]
    assert send[0].actions == ("sqs:GetQueueUrl", "sqs:SendMessage")
    assert send[0].resources == ("arn:aws:sqs:eu-west-1:111111111111:teamform-acme-out.fifo",)
    assert [s.sid for s in send] == ["SqsQueue1", "S3Objects2"]  # numbered by entry, beside another kind
    assert receive[0].actions is not None and "sqs:SendMessage" not in receive[0].actions


@pytest.mark.parametrize(
    ("tenant", "scenario"),
    [("acme", "partner_to_customer"), ("acme", "customer_to_partner"), ("globex", "partner_to_customer")],
)
def test_the_evaluator_proves_every_case(tenant: str, scenario: Scenario) -> None:
    statements, cases = _policy(tenant, scenario)
    labels = {c.label for c in cases}
    assert {
        "purge the tenant's queue",
        "delete the tenant's queue",
        "create a queue of the tenant's name",
    } <= labels
    assert any(c.allowed for c in cases) and any(not c.allowed for c in cases)
    misses = judge([PolicyDocument(statements=tuple(statements)).to_iam()], cases)
    assert not misses, "\n".join(map(str, misses))


@pytest.mark.parametrize(
    ("change", "caught"),
    [
        ({"actions": ("sqs:*",)}, {"purge the tenant's queue", "delete the tenant's queue"}),
        ({"resources": ("arn:aws:sqs:us-east-1:222222222222:acme-*",)}, {"a queue whose name starts"}),
        ({"resources": ("arn:aws:sqs:*:222222222222:acme-in",)}, {"the same queue name in another region"}),
        ({"actions": ("sqs:ReceiveMessage", "sqs:SendMessage")}, {"delete a received message"}),
    ],
)
def test_a_widened_or_narrowed_statement_is_caught(change: dict[str, object], caught: set[str]) -> None:
    statements, cases = _policy("acme", "partner_to_customer")
    broken = [statements[0].model_copy(update=change)]
    misses = judge([PolicyDocument(statements=tuple(broken)).to_iam()], cases)
    found = " | ".join(m.case.label for m in misses)
    assert all(any(c in m.case.label for m in misses) for c in caught), found
