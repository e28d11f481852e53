"""The sandbox's JSON bodies: what the standard library's encoder gave, from the faster one."""

from __future__ import annotations

import json

from sandbox.http_util import Response


def test_a_body_encodes_to_the_json_the_standard_library_writes() -> None:
    body = {
        "data": [{"id": "120210000000001", "spend": "12.34", "clicks": 7, "ctr": 0.012345678901234, "video": None}],
        "paging": {"cursors": {"after": "eyJvIjoxMDB9"}, "next": "https://graph.example/v21.0/act_1/insights?x=1"},
        "names": ["Café Zürich", "日本"],
        "flags": (True, False),
        "huge": 2**63 - 1,
    }
    encoded = Response(200, body).encode()
    assert json.loads(encoded) == json.loads(json.dumps(body))


def test_keys_that_are_not_strings_become_strings_as_json_makes_them() -> None:
    body = {1: "a", 2.5: "b", "c": {3: [1, 2]}}
    assert json.loads(Response(200, body).encode()) == json.loads(json.dumps(body))
