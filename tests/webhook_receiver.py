"""A local stand-in for a Slack incoming webhook: an HTTP server on 127.0.0.1 in a thread that keeps every JSON body
POSTed to it and answers with the status the test chooses (tests/unit/test_notify.py, tests/integration)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One request the receiver got: its path (the webhook's secret part) and its JSON body."""

    path: str
    payload: dict[str, Any]


@dataclass
class WebhookReceiver:
    """`with WebhookReceiver() as hook:` serves `hook.url` (a Slack-like path with `token` in it) until the block ends;
    `hook.received` lists the requests in order; every answer has HTTP status `status`."""

    token: str = "T00000000/B00000000/receiver-token"
    status: int = 200
    received: list[Received] = field(default_factory=list)

    def __enter__(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(Received(self.path, json.loads(body)))
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"ok" if receiver.status < 300 else b"invalid_token")

            def log_message(self, format: str, *args: Any) -> None:  # keep the test output (and logs) quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/services/{self.token}"

    def payloads(self) -> list[dict[str, Any]]:
        """The JSON bodies received, in order."""
        return [request.payload for request in self.received]


def assert_slack_shape(payload: dict[str, Any]) -> None:
    """The payload is a Slack message: a non-empty `text` and a list of well-formed header/section blocks."""
    assert isinstance(payload["text"], str) and payload["text"]
    assert payload["blocks"] and all(block["type"] in ("header", "section") for block in payload["blocks"])
    for block in payload["blocks"]:
        kind = "plain_text" if block["type"] == "header" else "mrkdwn"
        assert block["text"]["type"] == kind and block["text"]["text"]
        assert len(block["text"]["text"]) <= (150 if block["type"] == "header" else 3000)
