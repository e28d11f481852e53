"""`python -m sandbox serve --as-of YYYY-MM-DD --port N [--faults JSON]`: run the sandbox server;
`python -m sandbox exports DIR --as-of YYYY-MM-DD`: write the platform CSV exports (sandbox.exports)."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from datetime import date

from sandbox.credentials import source_settings
from sandbox.faults import Faults
from sandbox.server import SandboxServer


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Northwind Threads sandbox APIs")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the HTTP replicas")
    serve.add_argument("--as-of", type=date.fromisoformat, default=date.today(), help="run date YYYY-MM-DD")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--faults", default=None, help='Faults as JSON, e.g. \'{"rate_limit_first_n": {"meta": 2}}\'')
    exports = sub.add_parser("exports", help="write the Meta / TikTok Ads Manager and Shopify CSV exports")
    exports.add_argument("dir", help="folder to write the files into")
    exports.add_argument("--as-of", type=date.fromisoformat, default=date.today(), help="run date YYYY-MM-DD")
    args = parser.parse_args(argv)
    if args.command == "exports":
        from sandbox.exports import write_exports

        for path in write_exports(args.dir, args.as_of):
            print(path, flush=True)
        return 0
    faults = Faults.from_json(args.faults) if args.faults else None
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with SandboxServer(args.as_of, faults=faults, port=args.port) as server:
        print(f"sandbox serving as_of={args.as_of} at {server.url}", flush=True)
        print(json.dumps(source_settings(server.url), indent=2), flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
