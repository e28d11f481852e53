"""Replica of the Meta Graph API endpoints in docs/design.md (ads insights, Instagram, Facebook page)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from sandbox.ads import AdDay
from sandbox.constants import (
    AD_ACCOUNTS,
    FB_PAGE_ID,
    IG_USER_ID,
    META_ACCOUNTS,
)
from sandbox.credentials import GRAPH_API_VERSION, META_ACCESS_TOKEN
from sandbox.demographics import DemographicCell, breakdown, meta_age
from sandbox.faults import FaultState
from sandbox.graph_common import GraphError, bad_param, money
from sandbox.graph_social import SocialEndpoints
from sandbox.http_util import FieldSpec, Response
from sandbox.world import World

INSIGHT_FIELDS = (
    "account_id",
    "account_name",
    "account_currency",
    "campaign_id",
    "campaign_name",
    "adset_id",
    "adset_name",
    "ad_id",
    "ad_name",
    "date_start",
    "date_stop",
    "spend",
    "impressions",
    "clicks",
    "reach",
    "actions",
    "action_values",
    "video_play_actions",
)
_DEFAULT_INSIGHT_FIELDS = ("date_start", "date_stop", "impressions", "spend")
# The one breakdown combination replicated: rows per ad day x age x gender (sandbox.demographics).
BREAKDOWNS = ("age", "gender")
MAX_INSIGHTS_LIMIT = 5000


class GraphApi(SocialEndpoints):
    """Serves /graph/v23.0/... for one world; `base_url` is the server URL used in paging links."""

    def __init__(self, world: World, faults: FaultState, base_url: str) -> None:
        self.world = world
        self.faults = faults
        self.base_url = base_url
        self._trace = 0
        self._negative: set[tuple[str, str, date]] = set()
        day = faults.faults.negative_spend_day
        if day is not None:
            for acct in META_ACCOUNTS:
                rows = [r for r in world.ad_days_for(acct.account_id) if r.day == day]
                if rows:
                    self._negative.add((acct.account_id, rows[0].ad.ad_id, day))

    def _trace_id(self, path: str) -> str:
        """A deterministic fbtrace_id-like string."""
        self._trace += 1
        return "A" + hashlib.sha1(f"{path}{self._trace}".encode()).hexdigest()[:22]

    def handle(self, parts: list[str], query: dict[str, str], headers: dict[str, str]) -> Response:
        """Route a GET below /graph/; parts are the path segments after 'graph'."""
        path = "/graph/" + "/".join(parts)
        try:
            if not parts or parts[0] != GRAPH_API_VERSION:
                raise GraphError("Unknown path components: /" + "/".join(parts), 2500)
            node, edge = (parts[1] if len(parts) > 1 else ""), (parts[2] if len(parts) > 2 else None)
            if len(parts) > 3 or not node:
                raise GraphError("Unknown path components: /" + "/".join(parts[1:]), 2500)
            handler, family = self._route(node, edge)
            outcome = self.faults.decide(family)
            if outcome is not None:
                raise self._fault_error(outcome, family)
            self._auth(query, headers)
            return handler(node, query, path)
        except GraphError as e:
            return e.response(self._trace_id(path))

    def _fault_error(self, outcome: str, family: str) -> GraphError:
        """The injected error for a failing request."""
        if outcome == "server_error":
            return GraphError(
                "An unexpected error has occurred. Please retry your request later.", 2, status=500, transient=True
            )
        f = self.faults.faults
        if family.startswith("meta"):
            err = GraphError(
                "(#80004) There have been too many calls to this ad-account. Wait a bit and try again.",
                80004,
                subcode=2446079,
            )
        else:
            err = GraphError("(#17) User request limit reached", 17, subcode=2207051)
        if not f.meta_throttle_as_400:
            err.status = 429
            err.headers = {"Retry-After": f"{f.retry_after_seconds:.1f}"}
        return err

    def _auth(self, query: dict[str, str], headers: dict[str, str]) -> None:
        """Check the access token (query parameter, or an Authorization: Bearer/OAuth header)."""
        token = query.get("access_token")
        if token is None:
            auth = headers.get("authorization", "")
            scheme, _, value = auth.partition(" ")
            if scheme.lower() in ("bearer", "oauth") and value:
                token = value.strip()
        if token is None:
            raise GraphError("An access token is required to request this resource.", 104)
        if token != META_ACCESS_TOKEN:
            raise GraphError("Invalid OAuth access token - Cannot parse access token", 190)

    def _route(self, node: str, edge: str | None) -> tuple[Callable[[str, dict[str, str], str], Response], str]:
        """Find the handler and fault family for node/edge."""
        table: dict[tuple[str, str | None], tuple[Callable[[str, dict[str, str], str], Response], str]] = {
            ("act", None): (self._ad_account, "meta_accounts"),
            ("act", "insights"): (self._insights, "meta_insights"),
            ("ig", None): (self._ig_user, "ig_user"),
            ("ig", "media"): (self._ig_media, "ig_media"),
            ("ig", "insights"): (self._ig_insights, "ig_insights"),
            ("page", None): (self._fb_page, "fb_page"),
            ("page", "published_posts"): (self._page_posts, "fb_posts"),
            ("page", "insights"): (self._page_insights, "fb_insights"),
        }
        if node.startswith("act_") and node[4:] in AD_ACCOUNTS and AD_ACCOUNTS[node[4:]].platform == "meta":
            kind, type_name = "act", "AdAccount"
        elif node == IG_USER_ID:
            kind, type_name = "ig", "IGUser"
        elif node == FB_PAGE_ID:
            kind, type_name = "page", "Page"
        else:
            raise GraphError(
                f"Unsupported get request. Object with ID '{node}' does not exist, cannot be loaded due to missing "
                "permissions, or does not support this operation. Please read the Graph API documentation at "
                "https://developers.facebook.com/docs/graph-api",
                100,
                subcode=33,
                etype="GraphMethodException",
            )
        if (kind, edge) not in table:
            raise bad_param(f"Tried accessing nonexisting field ({edge}) on node type ({type_name})")
        return table[(kind, edge)]

    def _ad_account(self, node: str, query: dict[str, str], path: str) -> Response:
        """GET /act_{id}."""
        acct = AD_ACCOUNTS[node[4:]]
        values = {
            "id": node,
            "account_id": acct.account_id,
            "name": acct.name,
            "currency": acct.currency,
            "timezone_name": acct.timezone,
            "account_status": 1,
        }
        specs = self._fields(query, tuple(values), "AdAccount") or [FieldSpec("account_id"), FieldSpec("name")]
        body = {s.name: values[s.name] for s in specs}
        body["id"] = node
        return Response(200, self.faults.drifted("meta_accounts", body))

    def _insights(self, node: str, query: dict[str, str], path: str) -> Response:
        """GET /act_{id}/insights at level=ad, time_increment=1."""
        acct = AD_ACCOUNTS[node[4:]]
        if query.get("level", "ad") != "ad":
            raise bad_param("level must be ad in the sandbox (account, campaign and adset are not replicated)")
        if query.get("time_increment", "1") != "1":
            raise bad_param("time_increment must be 1 in the sandbox")
        if "time_range" not in query:
            raise bad_param("time_range is required in the sandbox (date_preset is not replicated)")
        try:
            tr = json.loads(query["time_range"])
            since, until = date.fromisoformat(tr["since"]), date.fromisoformat(tr["until"])
        except (ValueError, KeyError, TypeError):
            raise bad_param(
                "param time_range must be an object like {'since':'YYYY-MM-DD','until':'YYYY-MM-DD'}"
            ) from None
        if since > until:
            raise bad_param("time_range: since must be on or before until")
        fields = [f.strip() for f in query.get("fields", ",".join(_DEFAULT_INSIGHT_FIELDS)).split(",") if f.strip()]
        for f in fields:
            if f not in INSIGHT_FIELDS:
                raise bad_param(
                    f"{f} is not valid for fields param. please check "
                    "https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ "
                    "for all valid values"
                )
        out_fields = list(dict.fromkeys(["date_start", "date_stop", *fields]))
        rows = [r for r in self.world.ad_days_for(acct.account_id) if since <= r.day <= until]
        if _breakdowns(query):
            cells = [(r, cell) for r in rows for cell in breakdown(r, self.world.as_of)]
            body = self._paginate(
                "meta_insights",
                cells,
                query,
                path,
                (25, MAX_INSIGHTS_LIMIT),
                lambda item: self._breakdown_row(*item, out_fields),
            )
            return Response(200, body)
        body = self._paginate(
            "meta_insights", rows, query, path, (25, MAX_INSIGHTS_LIMIT), lambda r: self._insight_row(r, out_fields)
        )
        return Response(200, body)

    def _insight_row(self, r: AdDay, fields: list[str]) -> dict[str, object]:
        """One insights row as served (restated, faults applied)."""
        seen = self.world.seen_ad(r)
        metrics = _Metrics(
            seen.spend_cents, r.impressions, r.clicks, r.reach, seen.purchases, seen.purchase_value_cents, r.video_views
        )
        return self._row(r, metrics, fields)

    def _breakdown_row(self, r: AdDay, cell: DemographicCell, fields: list[str]) -> dict[str, object]:
        """One row of insights with breakdowns=age,gender: an age x gender cell of an ad day (restated, faults
        applied), its `age` and `gender` after the requested fields, as Meta adds the breakdown columns."""
        metrics = _Metrics(
            cell.spend_cents,
            cell.impressions,
            cell.clicks,
            cell.reach,
            cell.purchases,
            cell.purchase_value_cents,
            cell.video_views,
        )
        return {**self._row(r, metrics, fields), "age": meta_age(cell.age), "gender": cell.gender}

    def _row(self, r: AdDay, m: _Metrics, fields: list[str]) -> dict[str, object]:
        """The requested fields of an insights row of ad day `r` with metrics `m`."""
        c = r.campaign
        spend = m.spend_cents
        if (c.account_id, r.ad.ad_id, r.day) in self._negative:
            spend = -spend
        actions = [
            ("link_click", m.clicks),
            ("landing_page_view", m.clicks * 4 // 5),
            ("purchase", m.purchases),
            ("offsite_conversion.fb_pixel_purchase", m.purchases),
        ]
        values = {
            "account_id": c.account_id,
            "account_name": c.account.name,
            "account_currency": c.account.currency,
            "campaign_id": c.campaign_id,
            "campaign_name": c.name,
            "adset_id": r.ad.adset_id,
            "adset_name": r.ad.adset_name,
            "ad_id": r.ad.ad_id,
            "ad_name": r.ad.name,
            "date_start": r.day.isoformat(),
            "date_stop": r.day.isoformat(),
            "spend": money(spend),
            "impressions": str(m.impressions),
            "clicks": str(m.clicks),
            "reach": str(m.reach),
            "actions": [{"action_type": t, "value": str(v)} for t, v in actions if v],
            "action_values": [
                {"action_type": t, "value": money(m.purchase_value_cents)}
                for t in ("purchase", "offsite_conversion.fb_pixel_purchase")
                if m.purchase_value_cents
            ],
            "video_play_actions": [{"action_type": "video_view", "value": str(m.video_views)}] if m.video_views else [],
        }
        return {f: values[f] for f in fields}


class _Metrics(NamedTuple):
    """The metrics of one insights row: an ad day, or an age x gender cell of one (money in account cents)."""

    spend_cents: int
    impressions: int
    clicks: int
    reach: int
    purchases: int
    purchase_value_cents: int
    video_views: int


def _breakdowns(query: dict[str, str]) -> bool:
    """Whether the request breaks the insights down by age and gender (`breakdowns=age,gender`, or as a JSON list);
    no breakdowns gives False, any other set a code-100 error."""
    raw = query.get("breakdowns", "").strip()
    if not raw:
        return False
    try:
        parsed = json.loads(raw) if raw.startswith("[") else raw.split(",")
    except ValueError:
        parsed = None
    if not isinstance(parsed, list) or not all(isinstance(b, str) for b in parsed):
        raise bad_param("param breakdowns must be a list of breakdowns, e.g. age,gender")
    names = {b.strip() for b in parsed if b.strip()}
    if names != set(BREAKDOWNS):
        raise bad_param(
            f"breakdowns must be {','.join(BREAKDOWNS)} in the sandbox (other breakdowns are not replicated); "
            f"got {','.join(sorted(names)) or 'none'}"
        )
    return True
