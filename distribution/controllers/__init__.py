"""HTTP controllers of the distribution end: thin, one service call each."""

from distribution.controllers.links import LinkController
from distribution.controllers.partners import PartnerController
from distribution.controllers.partnerships import PartnershipController

__all__ = ["LinkController", "PartnerController", "PartnershipController"]
