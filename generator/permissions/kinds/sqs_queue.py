"""``sqs_queue``: send and/or receive the messages of one SQS queue."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import Field

from generator import awsformats as aws
from generator.modelfields import PARTITION, Hint, Strict, checked
from generator.permissions.case import Case
from generator.permissions.kind import ClientFactory, PermissionKind
from generator.permissions.statement import Statement
from generator.permissions.wording import Code, plain_allow, verbs

# SendMessageBatch is authorised as SendMessage, DeleteMessageBatch as DeleteMessage (and so on).
SEND = ("sqs:GetQueueUrl", "sqs:SendMessage")
RECEIVE = (
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ReceiveMessage",
)
LABELS = {
    "sqs:SendMessage": "send a message to the tenant's queue",
    "sqs:ReceiveMessage": "receive messages from the tenant's queue",
    "sqs:DeleteMessage": "delete a received message",
    "sqs:ChangeMessageVisibility": "extend a received message's visibility timeout",
    "sqs:GetQueueAttributes": "read the queue's attributes",
    "sqs:GetQueueUrl": "look up the queue's URL",
}
MANAGE = {
    "sqs:DeleteQueue": "delete the tenant's queue",
    "sqs:PurgeQueue": "purge the tenant's queue",
    "sqs:SetQueueAttributes": "change the queue's attributes (policy, redrive, encryption)",
    "sqs:AddPermission": "add a statement to the queue's policy",
    "sqs:CreateQueue": "create a queue of the tenant's name",
    "sqs:TagQueue": "tag the queue",
}
OTHER_ACCOUNT = "999999999999"
OTHER_QUEUE = "xacct-some-other-queue"
QUEUE_ARN = re.compile(r"arn:(aws|aws-cn|aws-us-gov):sqs:([^:]*):([^:]*):(.*)", re.DOTALL)
QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
EXAMPLE_ARN = "arn:aws:sqs:us-east-1:111111111111:acme-in"


class QueueArn(NamedTuple):
    """The parts of a queue ARN."""

    partition: str
    region: str
    account: str
    name: str

    @classmethod
    def parse(cls, arn: str) -> QueueArn:
        match = QUEUE_ARN.fullmatch(arn)
        assert match is not None, arn  # validated by the model
        return cls(*match.groups())

    def with_(self, **parts: str) -> str:
        q = self._replace(**parts)
        return f"arn:{q.partition}:sqs:{q.region}:{q.account}:{q.name}"


def queue_arn_problem(value: str) -> str | None:
    """What is wrong with an SQS queue ARN (and what to write), or None."""
    if "*" in value or "?" in value:
        return "wildcards are not allowed: name one queue by its ARN"
    match = QUEUE_ARN.fullmatch(value)
    if match is None:
        return f'"{value}" is not an SQS queue ARN: write arn:aws:sqs:REGION:ACCOUNT:NAME, e.g. {EXAMPLE_ARN}'
    _, region, account, name = match.groups()
    if not aws.ACCOUNT_ID.fullmatch(account):
        return f'the account "{account}" must be 12 digits: copy the queue ARN from the SQS console'
    region_problem = aws.region(region)
    if region_problem:
        return f"the region {region_problem}"
    stem = name.removesuffix(".fifo")
    if not QUEUE_NAME.fullmatch(stem) or len(name) > 80:
        return (
            f'the queue name "{name}" is not valid: use 1-80 letters, digits, "-" and "_" '
            '(a FIFO queue\'s name ends in ".fifo", within the 80)'
        )
    return None


class SqsQueue(Strict):
    """Send and/or receive the messages of one queue."""

    queue_arn: Annotated[
        str,
        checked(queue_arn_problem),
        Hint(
            "The queue's ARN, arn:aws:sqs:REGION:ACCOUNT:NAME (no wildcards; FIFO names end in .fifo).",
            f"^arn:{PARTITION}:sqs:[a-z0-9-]+:[0-9]{{12}}:(?=[^:]{{1,80}}$)[A-Za-z0-9_-]+(?:\\.fifo)?$",
        ),
    ]
    access: Literal["send", "receive", "send-receive"]


def granted(access: str) -> tuple[str, ...]:
    """The actions an access level grants, sorted."""
    actions = (SEND if "send" in access else ()) + (RECEIVE if "receive" in access else ())
    return tuple(sorted(set(actions)))


class SqsQueueKind(PermissionKind[SqsQueue]):
    name = "sqs_queue"
    annotation = SqsQueue
    field = Field(default=None)
    summary = (
        "`queue_arn` (`arn:aws:sqs:REGION:ACCOUNT:NAME`; a 12-digit account, a known region, a\n"
        "  name of 1-80 letters, digits, `-` and `_`, FIFO queues ending in `.fifo`; no wildcards) and\n"
        "  `access: send` (`SendMessage`, `GetQueueUrl`), `receive` (`ReceiveMessage`, `DeleteMessage`,\n"
        "  `ChangeMessageVisibility`, `GetQueueAttributes`, `GetQueueUrl`) or `send-receive`; the batch\n"
        "  calls come with them. Never `DeleteQueue`, `PurgeQueue`, `SetQueueAttributes` or the queue\n"
        "  policy; a queue encrypted with a customer KMS key also needs `kms:` grants (`statements`)."
    )
    example = f"sqs_queue: {{queue_arn: {EXAMPLE_ARN}, access: send-receive}}"
    live_services = ("sqs",)

    def statements(self, value: SqsQueue, index: int) -> Iterator[Statement]:
        yield Statement(sid=f"SqsQueue{index}", actions=granted(value.access), resources=(value.queue_arn,))

    def cases(self, value: SqsQueue) -> list[Case]:
        arn, queue = value.queue_arn, QueueArn.parse(value.queue_arn)
        allowed = granted(value.access)
        cases = [Case(label, action, arn, action in allowed) for action, label in LABELS.items()]
        cases += [Case(label, action, arn, False) for action, label in MANAGE.items()]
        cases.append(Case("list every queue", "sqs:ListQueues", "*", False))
        stem, fifo = queue.name.removesuffix(".fifo"), ".fifo" if queue.name.endswith(".fifo") else ""
        region = "us-west-2" if queue.region != "us-west-2" else "us-east-1"
        others = {
            "another queue of the account": queue.with_(name=OTHER_QUEUE + fifo),
            "a queue whose name starts with the tenant's": queue.with_(name=f"{stem}x{fifo}"),
            "the same queue name in another account": queue.with_(account=OTHER_ACCOUNT),
            "the same queue name in another region": queue.with_(region=region),
        }
        verbs = {"sqs:SendMessage": "send a message to", "sqs:ReceiveMessage": "receive messages from"}
        for what, other in others.items():
            cases += [Case(f"{verb} {what}", a, other, False) for a, verb in verbs.items() if a in allowed]
        return cases

    def plain_words(self, st: Statement, code: Code) -> str | None:
        return plain_words(st, code)

    def planned_resources(self, value: SqsQueue) -> list[str]:
        return [value.queue_arn]

    def live_setup(self, data: Any, clients: ClientFactory) -> dict[str, str]:
        """Create the queue in the role's account (LocalStack cannot stand in for another account's
        queue policy, which a cross-account queue needs)."""
        queue = QueueArn.parse(data["queue_arn"])
        caller = clients("sts").get_caller_identity()["Account"]
        if caller != queue.account:
            raise AssertionError(
                f"{data['queue_arn']}: the live layer creates queues in the role's own account {caller}, "
                f"not {queue.account}: test cross-account queues against AWS"
            )
        attributes = {"FifoQueue": "true"} if queue.name.endswith(".fifo") else {}
        clients("sqs", region=queue.region).create_queue(QueueName=queue.name, Attributes=attributes)
        return {}

    def live_exercise(self, value: SqsQueue, role: ClientFactory, owner: ClientFactory, where: str) -> None:
        """A message sent (by the role, or by the account for receive-only) is received and deleted (by
        the role, or by the account for send-only)."""
        queue = QueueArn.parse(value.queue_arn)
        sender = role if "send" in value.access else owner
        receiver = role if "receive" in value.access else owner
        url = sender("sqs", region=queue.region).get_queue_url(
            QueueName=queue.name, QueueOwnerAWSAccountId=queue.account
        )["QueueUrl"]
        body = f"xacct live {where} {uuid.uuid4()}"
        fifo = {"MessageGroupId": "xacct", "MessageDeduplicationId": uuid.uuid4().hex}
        sender("sqs", region=queue.region).send_message(
            QueueUrl=url, MessageBody=body, **(fifo if queue.name.endswith(".fifo") else {})
        )
        sqs = receiver("sqs", region=queue.region)
        if receiver is role:
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        for _ in range(5):
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in messages.get("Messages", []):
                if receiver is role:
                    sqs.change_message_visibility(
                        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=30
                    )
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                if message["Body"] == body:
                    return
        raise AssertionError(f"{where}: the message sent to {value.queue_arn} was never received")


WORDS = {
    "sqs:SendMessage": "send messages",
    "sqs:ReceiveMessage": "receive messages",
    "sqs:DeleteMessage": "delete received messages",
    "sqs:ChangeMessageVisibility": "change a received message's visibility timeout",
    "sqs:GetQueueAttributes": "read the queue's attributes",
    "sqs:GetQueueUrl": "look up the queue's URL",
}


def plain_words(st: Statement, code: Code) -> str | None:
    """The sentence of a statement this kind writes, else None."""
    if not plain_allow(st) or st.conditions or not st.resources or len(st.resources) != 1:
        return None
    assert st.actions is not None
    if not QUEUE_ARN.fullmatch(st.resources[0]) or not set(st.actions) <= set(WORDS):
        return None
    return f"{verbs(st.actions, WORDS, code)} on the SQS queue {code(st.resources[0])}"


KIND = SqsQueueKind()
