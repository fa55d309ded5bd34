"""HTTP controllers of the live end: thin, one service call each."""

from broadcast.controllers.brands import BrandController
from broadcast.controllers.sessions import SessionController
from broadcast.controllers.skus import SkuController

__all__ = ["BrandController", "SessionController", "SkuController"]
