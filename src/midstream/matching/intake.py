"""Fuzzy matching as the intake pipeline uses it (issue 4, Part A, point 3).

``ReviewMatcher`` is the ``ResellerMatcher`` the pipeline gives the ingest resolver: it asks
the engine for a full decision on each spelling the exact steps left open, answers the
resolver (auto → resolved, review → candidates, new → nothing) and keeps the engine's
results, so the pipeline can store the candidates, their scores and their evidence with
the spelling for the review page. The engine's index is built on the first call only, so a
file whose spellings all resolve exactly never pays for it; the pipeline's ``ReferenceCache``
keeps one matcher (and its index) per distributor across a batch of files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from midstream.ingest.resolve.resellers import ResellerMatch, ResellerMention, ResellerReference
from midstream.matching.engine import (
    FuzzyResellerMatcher,
    MasterIndex,
    MentionResult,
    Thresholds,
)

# The engine's indexes of the latest reseller masters this process matched against, newest
# last. A worker builds one once (about 2 s for 20,000 resellers) and reuses it for every
# file while the master (and the distributor's aliases) are unchanged, compared in full.
_INDEXES: list[MasterIndex] = []
INDEXES_KEPT = 4


def shared_index(reference: ResellerReference) -> MasterIndex:
    """The index of ``reference``: a kept one built from equal reference data, or a new one."""
    for position, index in enumerate(_INDEXES):
        kept = index.reference
        if kept is reference or (
            kept.distributor_id == reference.distributor_id
            and kept.aliases == reference.aliases
            and kept.resellers == reference.resellers
        ):
            _INDEXES.append(_INDEXES.pop(position))
            return index
    index = MasterIndex(reference)
    _INDEXES.append(index)
    del _INDEXES[:-INDEXES_KEPT]
    return index


class ReviewMatcher(FuzzyResellerMatcher):
    """The engine, with the index kept per process, keeping each decision's full result."""

    def __init__(self, thresholds: Thresholds):
        super().__init__(thresholds)
        self.results: dict[ResellerMention, MentionResult] = {}

    def index_for(self, reference: ResellerReference) -> MasterIndex:
        return shared_index(reference)

    def decide(
        self, mentions: Iterable[ResellerMention], reference: ResellerReference
    ) -> dict[ResellerMention, MentionResult]:
        decided = super().decide(mentions, reference)
        self.results.update(decided)
        return decided


def candidates_json(result: MentionResult | None, match: ResellerMatch | None) -> dict:
    """What the review page shows: the engine's candidates best first, with their evidence.

    An ambiguous exact step (two resellers with one tax id) has no engine result when the
    engine resolved nothing better: its candidates are listed with the exact step's score.
    """
    if result is not None and result.candidates:
        return {
            "reason": result.reason,
            "candidates": [
                {
                    "reseller_id": candidate.reseller_id,
                    "score": str(candidate.score),
                    **{
                        name: str(value)
                        for name, value in asdict(candidate.evidence).items()
                        if value is not None
                    },
                }
                for candidate in result.candidates
            ],
        }
    if match is not None and match.candidates:
        return {
            "reason": f"several resellers share the {match.method.replace('_', ' ')}",
            "candidates": [
                {"reseller_id": pk, "score": str(match.score), "matched_name": ""}
                for pk in match.candidates
            ],
        }
    return {}
