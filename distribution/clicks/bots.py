"""Obvious bots by user agent: crawlers, link unfurlers, scripts. Rates are checked by the
recorder (per IP); anything cleverer is a fraud model, not this."""

from __future__ import annotations

import re
from functools import lru_cache

BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|headless|phantom|curl|wget|python-|"
    r"httpclient|okhttp|java/|go-http|libwww|scrapy|axios|node-fetch|monitor|pingdom|uptime",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def is_bot_agent(user_agent: str | None) -> bool:
    """No user agent at all is a script; real browsers always send one. Cached: a rush of clicks
    comes from a few hundred phone models, and the search is most of the flusher's per-click work."""
    return not user_agent or BOT_AGENT.search(user_agent) is not None
