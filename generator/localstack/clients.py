"""boto3 sessions and clients that talk to LocalStack as a given account (a 12-digit access key)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import boto3
    from botocore.client import BaseClient

from generator.localstack.service import check_local_url


def boto3_session(account_id: str, region: str = "us-east-1") -> boto3.Session:
    """A session whose access key is the 12-digit account id, which LocalStack maps to that account."""
    import boto3

    if not (len(account_id) == 12 and account_id.isdigit()):
        raise ValueError(f"an AWS account id has 12 digits, got {account_id!r}")
    return boto3.Session(aws_access_key_id=account_id, aws_secret_access_key="test", region_name=region)


def client(session: boto3.Session, service: str, url: str) -> BaseClient:
    """A client of ``service`` talking to LocalStack at ``url`` (path-style S3, no proxy, few retries)."""
    from botocore.config import Config

    config = Config(
        s3={"addressing_style": "path"},
        proxies={},
        retries={"max_attempts": 2, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
    )
    return session.client(service, endpoint_url=check_local_url(url), config=config)
