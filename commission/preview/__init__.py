"""Who would earn what on an example order, under the brand's rules as they are and as they would
be with a change not yet saved. The same rate resolution (`commission.rules.RateBook`) and the same
split (`commission.splits.compute_split`) as accrual: nothing here knows a rule of its own."""

from commission.preview.controller import CommissionPreviewController
from commission.preview.schemas import PreviewCreate, PreviewPublic
from commission.preview.service import preview

__all__ = ["CommissionPreviewController", "PreviewCreate", "PreviewPublic", "preview"]
