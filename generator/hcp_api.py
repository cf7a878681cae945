"""A small HCP Terraform / Terraform Enterprise API client: a run's plan and its JSON plan.

Only what a pipeline needs, with the standard library (``urllib``):

- ``GET /api/v2/runs/<run-id>``: a JSON:API document whose ``data.relationships.plan.data.id`` is the
  run's plan;
- ``GET /api/v2/plans/<plan-id>/json-output``: ``307`` to a short-lived archivist URL holding the JSON
  plan (the format of ``terraform show -json``), ``204`` while the plan has not finished, ``404`` for a
  plan that does not exist or that the token may not read (the endpoint needs admin access to the
  workspace). The redirect is followed without the token (the archivist URL is pre-signed; the token is
  never sent to another URL).

The token is read as terraform reads it: ``TF_TOKEN_<hostname>`` with dots as underscores (and hyphens
as double underscores), e.g. ``TF_TOKEN_app_terraform_io``. Every failure is an :class:`HcpError` of one
line saying what to do.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

DEFAULT_HOSTNAME = "app.terraform.io"
JSONAPI = "application/vnd.api+json"
MAX_BODY = 512 * 1024 * 1024  # a JSON plan of thousands of roles is tens of MB
MAX_DOCUMENT = 4 * 1024 * 1024  # a run's JSON:API document is a few KB
MAX_REDIRECTS = 3


class HcpError(ValueError):
    """The API did not give what was asked, said in one line."""


def token_env(hostname: str) -> str:
    """The environment variable terraform reads the API token of ``hostname`` from."""
    return "TF_TOKEN_" + hostname.lower().replace("-", "__").replace(".", "_")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # followed by hand, without the token
        return None


class HcpClient:
    """Requests to one HCP Terraform host; ``api_url`` overrides ``https://<hostname>`` (a proxy, tests)."""

    def __init__(
        self,
        hostname: str = DEFAULT_HOSTNAME,
        token: str | None = None,
        api_url: str | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.hostname = hostname
        self.env = token_env(hostname)
        self.token = token if token is not None else os.environ.get(self.env, "")
        if not self.token.strip():
            raise HcpError(
                f"no API token: set {self.env} (a user or team token of {hostname}, as terraform reads it)"
            )
        if not all("!" <= c <= "~" for c in self.token):  # never in a message: http.client would echo it
            raise HcpError(
                f"{self.env}: the token holds a space, line break or other character a token never has "
                "(a trailing newline from a file?): set the token alone"
            )
        self.base = (api_url or f"https://{hostname}").rstrip("/")
        if (
            urllib.parse.urlsplit(self.base).scheme not in ("http", "https")
            or not urllib.parse.urlsplit(self.base).netloc
        ):
            raise HcpError(f"{self.base}: not an http(s) URL: pass --hostname, or --api-url https://HOST")
        self.timeout = timeout
        self.sleep = sleep
        self._opener = urllib.request.build_opener(_NoRedirect)

    def _open(self, url: str, auth: bool, limit: int = MAX_BODY) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(url, headers={"Accept": f"{JSONAPI}, application/json"})
        if auth:  # never carried over to a redirect's URL (add_unredirected_header)
            request.add_unredirected_header("Authorization", f"Bearer {self.token}")
        where = urllib.parse.urlsplit(url).netloc
        deadline = time.monotonic() + self.timeout
        try:
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    body = self._read(response, limit, deadline)
                    status, headers = response.status, dict(response.headers.items())
            except urllib.error.HTTPError as exc:  # its body read here: a timeout there is caught below
                status, headers = exc.code, dict(exc.headers.items()) if exc.headers else {}
                with exc:
                    body = self._read(exc.fp, 64 * 1024, deadline) if exc.fp is not None else b""
        except TimeoutError:
            raise HcpError(
                f"{where}: no answer in {self.timeout:g} s: check the network, or raise --timeout"
            ) from None
        except urllib.error.URLError as exc:
            reason = (
                exc.reason.strerror if isinstance(exc.reason, OSError) and exc.reason.strerror else exc.reason
            )
            if isinstance(exc.reason, TimeoutError):
                reason = f"no answer in {self.timeout:g} s"
            raise HcpError(
                f"{where}: cannot connect ({reason}): check the hostname and the network"
            ) from None
        except OSError as exc:  # a reset connection, a bad status line
            raise HcpError(f"{where}: the connection failed ({exc.strerror or exc}): try again") from None
        if len(body) > limit:
            raise HcpError(f"{where}: the answer is over {limit // 2**20} MB: not what the API answers there")
        return status, {k.lower(): v for k, v in headers.items()}, body

    def _read(self, response: Any, limit: int, deadline: float) -> bytes:
        """Up to ``limit + 1`` bytes of the body, by the ``deadline``: the socket timeout bounds each
        read, so a server that sends a byte now and then would otherwise hold the request for ever."""
        chunks, size = [], 0
        while size <= limit:
            want = min(1 << 16, limit + 1 - size)  # read1: what has come, never waiting for more
            chunk = response.read1(want) if hasattr(response, "read1") else response.read(want)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if time.monotonic() > deadline:
                raise TimeoutError
        return b"".join(chunks)

    def _refused(self, status: int, what: str) -> HcpError:
        if status == 401:
            return HcpError(
                f"{self.hostname}: the token in {self.env} was refused (401 unauthorized): set a valid user "
                "or team API token"
            )
        if status == 404:
            return HcpError(
                f"{self.hostname}: {what} not found, or the token in {self.env} may not read it (404): check "
                "the ID, and that the token's user or team has admin access to the workspace"
            )
        return HcpError(f"{self.hostname}: {what}: unexpected answer {status}: try again later")

    def _document(self, path: str, what: str) -> dict[str, Any]:
        status, _, body = self._open(f"{self.base}/api/v2/{path}", auth=True, limit=MAX_DOCUMENT)
        if status != 200:
            raise self._refused(status, what)
        try:
            doc = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: a hostile answer nested too deep
            raise HcpError(
                f"{self.hostname}: {what}: the answer is not JSON: is {self.base} an HCP Terraform API?"
            ) from None
        if not isinstance(doc, dict):
            raise HcpError(f"{self.hostname}: {what}: the answer is not a JSON:API document")
        return doc

    def plan_id_of_run(self, run_id: str) -> str:
        """The plan of run ``run_id`` (``relationships.plan.data.id`` of the run)."""
        doc = self._document(f"runs/{urllib.parse.quote(run_id, safe='')}", f"run {run_id}")
        try:
            plan_id = doc["data"]["relationships"]["plan"]["data"]["id"]
        except (KeyError, TypeError):
            plan_id = None
        if not isinstance(plan_id, str) or not plan_id:
            raise HcpError(
                f"{self.hostname}: run {run_id} has no plan (relationships.plan): is it a plan run?"
            )
        return plan_id

    def plan_json(self, plan_id: str, wait: float = 0.0, poll: float = 5.0) -> bytes:
        """The JSON plan of ``plan_id`` (``terraform show -json`` format); waits up to ``wait`` seconds
        for a plan that has not finished (``204``)."""
        url = f"{self.base}/api/v2/plans/{urllib.parse.quote(plan_id, safe='')}/json-output"
        deadline = time.monotonic() + wait
        status, headers, body = self._open(url, auth=True)
        while status == 204 and time.monotonic() + poll <= deadline:
            self.sleep(poll)
            status, headers, body = self._open(url, auth=True)
        if status == 204:
            raise HcpError(
                f"{self.hostname}: plan {plan_id} has not finished (204): wait for it (--wait SECONDS)"
            )
        for _ in range(MAX_REDIRECTS):
            if status not in (301, 302, 303, 307, 308):
                break
            location = headers.get("location", "")
            target = urllib.parse.urljoin(url, location)
            if not location or urllib.parse.urlsplit(target).scheme not in ("http", "https"):
                raise HcpError(
                    f"{self.hostname}: plan {plan_id}: a redirect ({status}) without a usable Location"
                )
            url = target
            status, headers, body = self._open(url, auth=False)
        if status in (301, 302, 303, 307, 308):
            raise HcpError(f"{self.hostname}: plan {plan_id}: more than {MAX_REDIRECTS} redirects")
        if status != 200:
            raise self._refused(status, f"the JSON plan of {plan_id}")
        try:
            plan = json.loads(body)
        except (ValueError, RecursionError):
            raise HcpError(f"{self.hostname}: plan {plan_id}: the JSON plan is not JSON: try again") from None
        if not isinstance(plan, dict) or "format_version" not in plan:
            raise HcpError(f"{self.hostname}: plan {plan_id}: the answer is not a terraform JSON plan")
        return body
