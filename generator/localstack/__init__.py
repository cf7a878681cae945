"""LocalStack as a real local service (`service`), boto3 clients for it (`clients`), and the command
line that runs a command beside it (`supervisor`); see `generator.localstack.service` for the details."""

from generator.localstack.clients import boto3_session, client
from generator.localstack.service import (
    HOST,
    SERVICES,
    STATE_ENV,
    URL_ENV,
    VENV_ENV,
    LocalStack,
    LocalStackError,
    State,
    check_local_url,
    default_state_dir,
    default_venv,
    free_port,
    health,
    is_healthy,
    pid_alive,
    repo_root,
)
from generator.localstack.supervisor import main

__all__ = [
    "HOST",
    "SERVICES",
    "STATE_ENV",
    "URL_ENV",
    "VENV_ENV",
    "LocalStack",
    "LocalStackError",
    "State",
    "boto3_session",
    "check_local_url",
    "client",
    "default_state_dir",
    "default_venv",
    "free_port",
    "health",
    "is_healthy",
    "main",
    "pid_alive",
    "repo_root",
]
