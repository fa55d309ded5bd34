"""Services of the distribution end: one class per aggregate, each over one AsyncSession."""

from distribution.services.links import LinkService
from distribution.services.partners import PartnerService
from distribution.services.partnerships import PartnershipService

__all__ = ["LinkService", "PartnerService", "PartnershipService"]
