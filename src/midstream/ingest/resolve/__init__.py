"""Resolution (issue 3): which catalog product and which reseller a report row means.

See docs/resolution.md for the order of the steps, the normalisation rules and the plug-in
protocol issue 4's fuzzy matching uses.
"""

from midstream.ingest.resolve.products import (
    PRODUCT_KINDS,
    Candidate,
    ProductMatch,
    ProductResolver,
)
from midstream.ingest.resolve.resellers import (
    ResellerMatch,
    ResellerMatcher,
    ResellerMention,
    ResellerRecord,
    ResellerReference,
    ResellerResolver,
)

__all__ = [
    "PRODUCT_KINDS",
    "Candidate",
    "ProductMatch",
    "ProductResolver",
    "ResellerMatch",
    "ResellerMatcher",
    "ResellerMention",
    "ResellerRecord",
    "ResellerReference",
    "ResellerResolver",
]
