"""The sandbox HTTP server: Meta Graph (/graph/v23.0), Shopify Admin (/shopify/{shop}), GA4 Data API (/ga4),
Google Ads API searchStream (/googleads/v26),
TikTok API for Business (/tiktok/open_api/v1.3) on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

from sandbox.faults import Faults, FaultState
from sandbox.ga4_api import Ga4Api
from sandbox.google_ads_api import GoogleAdsApi
from sandbox.graph_api import GraphApi
from sandbox.http_util import Response
from sandbox.linkedin_ads_api import LinkedInAdsApi
from sandbox.linkedin_api import LinkedInApi
from sandbox.pinterest_ads_api import PinterestAdsApi
from sandbox.pinterest_api import PinterestApi
from sandbox.shopify_api import ShopifyApi
from sandbox.snapchat_ads_api import SnapchatAdsApi
from sandbox.stripe_api import StripeApi
from sandbox.tiktok_ads_api import TikTokAdsApi
from sandbox.tiktok_organic_api import TikTokOrganicApi
from sandbox.world import build_world
from sandbox.x_ads_api import XAdsApi
from sandbox.x_api import XApi
from sandbox.youtube_api import YouTubeApi


class SandboxServer:
    """Serves the simulated platform APIs for the world at `as_of`, optionally with injected faults."""

    def __init__(self, as_of: date, faults: Faults | None = None, port: int = 0) -> None:
        """Prepare the server (the world is built here; call start() or use as a context manager)."""
        self.as_of = as_of
        self.faults = faults or Faults()
        self.world = build_world(as_of)
        self.requests: list[tuple[str, str]] = []
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.fault_state = FaultState(self.faults)
        self._graph: GraphApi | None = None
        self._shopify: ShopifyApi | None = None
        self._ga4: Ga4Api | None = None
        self._google_ads: GoogleAdsApi | None = None
        self._tiktok: TikTokAdsApi | None = None
        self._tiktok_organic: TikTokOrganicApi | None = None
        self._youtube: YouTubeApi | None = None
        self._x: XApi | None = None
        self._x_ads: XAdsApi | None = None
        self._linkedin: LinkedInApi | None = None
        self._linkedin_ads: LinkedInAdsApi | None = None
        self._pinterest: PinterestApi | None = None
        self._stripe: StripeApi | None = None
        self._snapchat_ads: SnapchatAdsApi | None = None
        self._pinterest_ads: PinterestAdsApi | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321 (only after start())."""
        if self._httpd is None:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> SandboxServer:
        """Bind and serve in a background thread."""
        if self._httpd is not None:
            return self
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), _make_handler(self))
        self._httpd.daemon_threads = True
        state = self.fault_state = FaultState(self.faults)
        self._graph = GraphApi(self.world, state, self.url)
        self._shopify = ShopifyApi(self.world, state, self.url)
        self._ga4 = Ga4Api(self.world, state)
        self._google_ads = GoogleAdsApi(self.world, state)
        self._tiktok = TikTokAdsApi(self.world, state)
        self._tiktok_organic = TikTokOrganicApi(self.world, state)
        self._youtube = YouTubeApi(self.world, state)
        self._x = XApi(self.world, state)
        self._x_ads = XAdsApi(self.world, state)
        self._linkedin = LinkedInApi(self.world, state)
        self._linkedin_ads = LinkedInAdsApi(self.world, state)
        self._pinterest = PinterestApi(self.world, state)
        self._stripe = StripeApi(self.world, state)
        self._snapchat_ads = SnapchatAdsApi(self.world, state, self.url)
        self._pinterest_ads = PinterestAdsApi(self.world, state)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="sandbox-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd, self._thread = None, None

    def __enter__(self) -> SandboxServer:
        """Start on entry."""
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop on exit."""
        self.stop()

    def dispatch(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Response:
        """Answer one request (also used by the handler); records it in `requests`; GA4 and Google Ads read the body."""
        with self._lock:
            self.requests.append((method, target))
        split = urlsplit(target)
        parts = [p for p in split.path.split("/") if p]
        pairs = parse_qsl(split.query, keep_blank_values=True)
        if parts and parts[0] == "ga4" and self._ga4 is not None:
            return self._ga4.handle(method, parts[1:], headers, body)
        if parts and parts[0] == "googleads" and self._google_ads is not None:
            return self._google_ads.handle(method, parts[1:], headers, body)
        if parts and parts[0] == "snapchat" and self._snapchat_ads is not None:
            return self._snapchat_ads.handle(method, parts[1:], dict(pairs), headers, body)
        if method != "GET":
            return Response(405, {"errors": "Method Not Allowed"})
        if parts and parts[0] == "graph" and self._graph is not None:
            return self._graph.handle(parts[1:], dict(pairs), headers)
        if parts[:3] == ["pinterest", "v5", "ad_accounts"] and self._pinterest_ads is not None:
            return self._pinterest_ads.handle(parts[1:], dict(pairs), headers)
        if parts and parts[0] == "pinterest" and self._pinterest is not None:
            return self._pinterest.handle(parts[1:], dict(pairs), headers)
        if parts[:2] == ["linkedin", "rest"] and parts[2:3] in (["adAccounts"], ["adAnalytics"]) and self._linkedin_ads:
            return self._linkedin_ads.handle(parts[1:], dict(pairs), headers)
        if parts and parts[0] == "linkedin" and self._linkedin is not None:
            return self._linkedin.handle(parts[1:], dict(pairs), headers)
        if parts and parts[0] == "xads" and self._x_ads is not None:
            return self._x_ads.handle(target, headers)
        if parts and parts[0] == "x" and self._x is not None:
            return self._x.handle(parts[1:], dict(pairs), headers)
        if parts[:4] == ["tiktok", "open_api", "v1.3", "business"] and self._tiktok_organic is not None:
            return self._tiktok_organic.handle(tuple(parts[3:]), dict(pairs), headers)
        if parts and parts[0] in ("youtube", "youtubeanalytics") and self._youtube is not None:
            return self._youtube.handle(parts, dict(pairs), headers)
        if parts and parts[0] == "tiktok" and self._tiktok is not None:
            return self._tiktok.handle(parts[1:], dict(pairs), headers)
        if parts and parts[0] == "stripe" and self._stripe is not None:
            return self._stripe.handle(parts[1:], dict(pairs), headers)
        if len(parts) >= 2 and parts[0] == "shopify" and self._shopify is not None:
            return self._shopify.handle(parts[1], parts[2:], pairs, headers)
        return Response(404, {"errors": "Not Found"})


def _make_handler(server: SandboxServer) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to a SandboxServer."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            resp = server.dispatch(self.command, self.path, headers, body)
            payload = resp.encode()
            fault = server.fault_state.take_transport()
            if fault == "timeout":  # no answer in time: the client gives up; then the connection is closed
                time.sleep(server.faults.timeout_seconds)
                self.close_connection = True
                return
            if fault == "truncated":  # whole by its Content-Length, but its JSON cut in half
                payload = payload[: len(payload) // 2]
            self.send_response(resp.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for k, v in resp.headers.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _answer

        def log_message(self, format: str, *args: object) -> None:
            """Silence the default stderr logging."""

    return Handler
