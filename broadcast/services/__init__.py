"""Use cases of the live end, one service per aggregate; each commits its own unit of work."""

from broadcast.services.brands import BrandService
from broadcast.services.lineup import LineupService
from broadcast.services.sessions import SessionService
from broadcast.services.skus import SkuService

__all__ = ["BrandService", "LineupService", "SessionService", "SkuService"]
