"""Instagram (IG user, media, account insights) and Facebook page (node, published_posts, insights) endpoints."""

from __future__ import annotations

from datetime import date

from sandbox.constants import FB_PAGE_ID, FB_PAGE_NAME, IG_USER_ID, IG_USERNAME
from sandbox.graph_common import GraphBase, graph_ts
from sandbox.http_util import FieldSpec, Response
from sandbox.social import REACTION_TYPES, FbPost, IgMedia, grown

IG_MEDIA_METRICS = ("reach", "views", "saved", "shares", "total_interactions", "likes", "comments")
POST_METRICS = ("post_impressions", "post_impressions_unique", "post_clicks", "post_reactions_by_type_total")
IG_USER_METRICS = ("follower_count", "reach")
PAGE_METRICS = (
    "page_follows",
    "page_daily_follows_unique",
    "page_daily_unfollows_unique",
    "page_impressions_unique",
    "page_post_engagements",
)
MAX_EDGE_LIMIT = 100


class SocialEndpoints(GraphBase):
    """Handlers for the Instagram user and the Facebook page."""

    def _ig_user(self, node: str, query: dict[str, str], path: str) -> Response:
        """GET /{ig_user_id}."""
        values = {
            "id": IG_USER_ID,
            "username": IG_USERNAME,
            "name": "Northwind Threads",
            "followers_count": self.world.ig_followers_count(),
            "follows_count": 312,
            "media_count": len(self.world.ig_media),
        }
        specs = self._fields(query, tuple(values), "IGUser") or []
        body = {s.name: values[s.name] for s in specs}
        body["id"] = IG_USER_ID
        return Response(200, self.faults.drifted("ig_user", body))

    def _ig_media(self, node: str, query: dict[str, str], path: str) -> Response:
        """GET /{ig_user_id}/media, newest first, filtered on since <= timestamp < until."""
        allowed = (
            "id",
            "caption",
            "media_type",
            "media_product_type",
            "permalink",
            "timestamp",
            "like_count",
            "comments_count",
            "insights",
            "username",
            "media_url",
        )
        specs = self._fields(query, allowed, "IGMedia") or [FieldSpec("id")]
        since, until = self._time_window(query)
        for s in specs:
            if s.name == "insights":
                self._metrics(s, IG_MEDIA_METRICS)
        media = [
            m
            for m in reversed(self.world.ig_media)
            if (since is None or m.published_at >= since) and (until is None or m.published_at < until)
        ]
        body = self._paginate(
            "ig_media", media, query, path, (25, MAX_EDGE_LIMIT), lambda m: self._ig_media_json(m, specs)
        )
        return Response(200, body)

    def _ig_media_json(self, m: IgMedia, specs: list[FieldSpec]) -> dict[str, object]:
        """One media object with growth applied to lifetime metrics."""
        g = self.world.growth(m.published_at)
        likes, comments = grown(m.like_count, g), grown(m.comments_count, g)
        saved, shares = grown(m.saved, g), grown(m.shares, g)
        metrics = {
            "reach": grown(m.reach, g),
            "views": grown(m.views, g),
            "saved": saved,
            "shares": shares,
            "likes": likes,
            "comments": comments,
            "total_interactions": likes + comments + saved + shares,
        }
        values: dict[str, object] = {
            "id": m.id,
            "caption": m.caption,
            "media_type": m.media_type,
            "media_product_type": m.media_product_type,
            "permalink": m.permalink,
            "timestamp": graph_ts(m.published_at),
            "like_count": likes,
            "comments_count": comments,
            "username": IG_USERNAME,
            "media_url": f"https://scontent.cdninstagram.com/v/{m.id}.jpg",
        }
        out: dict[str, object] = {}
        for s in specs:
            if s.name == "insights":
                out["insights"] = {
                    "data": [
                        {
                            "name": n,
                            "period": "lifetime",
                            "values": [{"value": metrics[n]}],
                            "title": n.replace("_", " ").title(),
                            "id": f"{m.id}/insights/{n}/lifetime",
                        }
                        for n in self._metrics(s, IG_MEDIA_METRICS)
                    ]
                }
            else:
                out[s.name] = values[s.name]
        out["id"] = m.id
        return out

    def _ig_insights(self, node: str, query: dict[str, str], path: str) -> Response:
        """GET /{ig_user_id}/insights?metric=follower_count,reach&period=day (range <= 30 days)."""
        metrics, days = self._day_series(query, 30, IG_USER_METRICS)
        by_day = {d.day: d for d in self.world.ig_days}
        return Response(200, self._series("ig_insights", node, metrics, days, lambda m, d: getattr(by_day[d], m)))

    def _fb_page(self, node: str, query: dict[str, str], path: str) -> Response:
        """GET /{page_id}."""
        values = {
            "id": FB_PAGE_ID,
            "name": FB_PAGE_NAME,
            "followers_count": self.world.fb_followers_count(),
            "fan_count": self.world.fb_followers_count() - 1873,
            "category": "Clothing (Brand)",
            "link": f"https://www.facebook.com/{FB_PAGE_ID}",
        }
        specs = self._fields(query, tuple(values), "Page") or [FieldSpec("name")]
        body = {s.name: values[s.name] for s in specs}
        body["id"] = FB_PAGE_ID
        return Response(200, self.faults.drifted("fb_page", body))

    def _page_posts(self, node: str, query: dict[str, str], path: str) -> Response:
        """GET /{page_id}/published_posts, newest first, filtered on since <= created_time < until."""
        allowed = (
            "id",
            "message",
            "created_time",
            "permalink_url",
            "status_type",
            "shares",
            "comments",
            "reactions",
            "insights",
            "is_published",
        )
        specs = self._fields(query, allowed, "PagePost") or [FieldSpec("created_time"), FieldSpec("message")]
        for s in specs:
            if s.name == "insights":
                self._metrics(s, POST_METRICS)
        since, until = self._time_window(query)
        posts = [
            p
            for p in reversed(self.world.fb_posts)
            if (since is None or p.published_at >= since) and (until is None or p.published_at < until)
        ]
        body = self._paginate("fb_posts", posts, query, path, (25, MAX_EDGE_LIMIT), lambda p: self._post_json(p, specs))
        return Response(200, body)

    def _post_json(self, p: FbPost, specs: list[FieldSpec]) -> dict[str, object]:
        """One page post with growth applied to lifetime metrics."""
        g = self.world.growth(p.published_at)
        reactions = {t: grown(v, g) for t, v in zip(REACTION_TYPES, p.reactions, strict=True)}
        metrics: dict[str, object] = {
            "post_impressions": grown(p.impressions, g),
            "post_impressions_unique": grown(p.reach, g),
            "post_clicks": grown(p.clicks, g),
            "post_reactions_by_type_total": reactions,
        }
        out: dict[str, object] = {}
        for s in specs:
            if s.name == "insights":
                out["insights"] = {
                    "data": [
                        {
                            "name": n,
                            "period": "lifetime",
                            "values": [{"value": metrics[n]}],
                            "title": n.replace("_", " ").title(),
                            "id": f"{p.id}/insights/{n}/lifetime",
                        }
                        for n in self._metrics(s, POST_METRICS)
                    ]
                }
            elif s.name in ("comments", "reactions"):
                total = grown(p.comments, g) if s.name == "comments" else sum(reactions.values())
                edge: dict[str, object] = {"data": []}
                if s.modifiers.get("summary") == "true":
                    edge["summary"] = {"total_count": total}
                out[s.name] = edge
            elif s.name == "shares":
                out["shares"] = {"count": grown(p.shares, g)}
            else:
                out[s.name] = {
                    "id": p.id,
                    "message": p.message,
                    "created_time": graph_ts(p.published_at),
                    "permalink_url": p.permalink_url,
                    "status_type": p.status_type,
                    "is_published": True,
                }[s.name]
        out["id"] = p.id
        return out

    def _page_insights(self, node: str, query: dict[str, str], path: str) -> Response:
        """GET /{page_id}/insights?metric=page_follows,...&period=day (range <= 90 days)."""
        metrics, days = self._day_series(query, 90, PAGE_METRICS)
        by_day = {d.day: d for d in self.world.fb_days}

        def value(m: str, d: date) -> object:
            return 0 if m == "page_daily_unfollows_unique" else getattr(by_day[d], m)

        return Response(200, self._series("fb_insights", node, metrics, days, value))
