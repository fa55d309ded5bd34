"""`hold_room`: every viewer waits in the room until all have arrived and the brand has read the
funnel with everyone present — so a test can check the live viewer counts (summed over workers)."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from server.demo.simulate.api import call
from server.demo.simulate.outcome import SaleOutcome
from server.demo.simulate.viewer import Visit

ARRIVAL_WAIT_S = 60
PRESENCE_WAIT_S = 15


class FullRoom:
    def __init__(self, visits: list[Visit]) -> None:
        self.expected = len(visits)
        self.present = 0
        self.all_in = asyncio.Event()
        self.released = asyncio.Event()
        self.by_code = Counter(v.code for v in visits if v.code)

    async def wait_in_room(self) -> None:
        self.present += 1
        if self.present == self.expected:
            self.all_in.set()
        await self.released.wait()

    async def count(self, brand: httpx.AsyncClient, outcome: SaleOutcome) -> None:
        """Once all are in, read the funnel until its viewers match (presence is reported every few
        seconds per worker), keep that snapshot, and let everyone go."""
        try:
            await asyncio.wait_for(self.all_in.wait(), ARRIVAL_WAIT_S)
            deadline = asyncio.get_running_loop().time() + PRESENCE_WAIT_S
            while asyncio.get_running_loop().time() < deadline:
                outcome.funnel_full_room = await call(brand, "GET", f"/api/v1/sessions/{outcome.session_id}/funnel")
                seen = {row["code"]: row["viewers"] for row in outcome.funnel_full_room["links"]}
                if all(seen.get(code) == n for code, n in self.by_code.items()):
                    return
                await asyncio.sleep(0.5)
        except TimeoutError:
            outcome.errors.append(f"full room: only {self.present} of {self.expected} viewers arrived")
        finally:
            self.released.set()
