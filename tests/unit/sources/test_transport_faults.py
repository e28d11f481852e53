"""Transport faults (issue 9) on the HTTP client every connector family shares (sources/common/http.py): a request
that times out, a body cut off mid-transfer, and a complete response whose JSON is truncated.

The sandbox serves whole responses, so these faults come from a scripted local server: each request gets the next
scripted answer. Timeouts and cut bodies are retried; a truncated JSON body fails at once with a SourceApiError
naming the source, account and endpoint, never with a bare decoding error, and without the token.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from sources.common.errors import SourceApiError
from sources.common.http import ApiClient, ErrorInfo
from sources.shopify.helpers import order_pages, shop_client

TOKEN = "secret-token-4242"
BODY = json.dumps({"data": [1, 2, 3], "orders": [{"id": 1}]}).encode()


class _Scripted(BaseHTTPRequestHandler):
    script: ClassVar[
        list[str]
    ] = []  # one answer per request: ok, slow, cut or truncated; `ok` once the script runs out
    served: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        answer = self.script.pop(0) if self.script else "ok"
        self.served.append(answer)
        if answer == "slow":
            time.sleep(1.5)  # longer than the client's request_timeout
        body = BODY[: len(BODY) // 2] if answer in ("cut", "truncated") else BODY
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY) if answer == "cut" else len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up on a slow answer
            self.wfile.write(body)  # `cut` closes the connection before the announced length

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, type[_Scripted]]]:
    monkeypatch.setenv("RUNTIME__REQUEST_TIMEOUT", "0.5")
    monkeypatch.setenv("RUNTIME__REQUEST_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0")
    handler = type("Handler", (_Scripted,), {"script": [], "served": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def _client() -> ApiClient:
    return ApiClient("meta_ads", error_parser=lambda _response: ErrorInfo("error"), secrets=[TOKEN])


@pytest.mark.parametrize("fault", ["slow", "cut"], ids=["timeout", "body-cut-off"])
def test_a_timeout_or_a_body_cut_off_is_retried(server: tuple[str, type[_Scripted]], fault: str) -> None:
    url, handler = server
    handler.script[:] = [fault]
    client = _client()
    assert client.get_json(f"{url}/act_1001/insights", params={"access_token": TOKEN}) == json.loads(BODY)
    assert handler.served == [fault, "ok"] and client.retry_count == 1


def test_timeouts_on_every_attempt_fail_naming_the_endpoint_without_the_token(
    server: tuple[str, type[_Scripted]],
) -> None:
    url, handler = server
    handler.script[:] = ["slow"] * 3
    with pytest.raises(SourceApiError) as raised:
        _client().get_json(f"{url}/act_1001/insights", params={"access_token": TOKEN}, account="1001")
    message = str(raised.value)
    assert message.startswith("meta_ads: ") and "account 1001" in message and "/act_1001/insights" in message
    assert "could not be reached after retries" in message and TOKEN not in message
    assert handler.served == ["slow"] * 3


def test_truncated_json_fails_naming_the_endpoint_without_the_token(server: tuple[str, type[_Scripted]]) -> None:
    url, handler = server
    handler.script[:] = ["truncated"]
    with pytest.raises(SourceApiError) as raised:
        _client().get_json(f"{url}/act_1001/insights", params={"access_token": TOKEN}, account="1001")
    message = str(raised.value)
    assert "account 1001" in message and "/act_1001/insights" in message and "response is not JSON" in message
    assert TOKEN not in message and handler.served == ["truncated"]


def test_truncated_json_in_shopify_s_paging_names_the_shop(server: tuple[str, type[_Scripted]]) -> None:
    """Shopify reads its Link header, so it decodes the page itself: through the same checked decoding."""
    url, handler = server
    handler.script[:] = ["truncated"]
    since = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    pages = order_pages(shop_client("northwind-us", TOKEN), "northwind-us", url, "2024-10", since, since)
    with pytest.raises(
        SourceApiError, match=r"^shopify: GET .*orders\.json for account northwind-us .*response is not JSON"
    ):
        next(pages)
