"""What fulfilment mounts: its controllers and the sweeper of automatic steps."""

from __future__ import annotations

from typing import Any

from broadcast.fulfilment.controllers import BulkShippingController, BuyerFulfilmentController, FulfilmentController
from broadcast.fulfilment.sweeper import fulfilment_sweeper

ROUTE_HANDLERS: list[Any] = [FulfilmentController, BulkShippingController, BuyerFulfilmentController]
LIFESPANS: list[Any] = [fulfilment_sweeper]
