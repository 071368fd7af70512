"""One run of the matching engine over a file of mentions: the ``match-resellers`` command
and the benchmark both go through ``match_file``.

Lines collapse to their distinct mentions first (a million report lines name some tens of
thousands of resellers); each distinct mention is resolved once — exact identifiers, alias,
then the fuzzy engine — and the decision is written back on every line that names it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from midstream.ingest.resolve.resellers import ResellerMention
from midstream.matching.engine import (
    Decision,
    ExactIdentifiers,
    FuzzyResellerMatcher,
    MentionResult,
    Thresholds,
    distinct_mentions,
    resolve_mentions,
)
from midstream.matching.files import MentionsFile, no_cyclic_gc, write_results
from midstream.matching.selectors import MasterData


@dataclass
class MatchRun:
    """What one run did: results per distinct mention, counts per line, phase timings."""

    results: dict[ResellerMention, MentionResult]
    lines: int
    distinct: int
    line_decisions: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.line_decisions[decision]:,} {decision.value}" for decision in Decision
        )
        return f"{self.lines:,} lines, {self.distinct:,} distinct mentions: {counts}"


def match_mentions(
    lines: Sequence[ResellerMention], master: MasterData, thresholds: Thresholds
) -> MatchRun:
    """Resolve the distinct mentions among ``lines`` against ``master``."""
    with no_cyclic_gc():
        return _match_mentions(lines, master, thresholds)


def _match_mentions(
    lines: Sequence[ResellerMention], master: MasterData, thresholds: Thresholds
) -> MatchRun:
    clock = time.perf_counter()
    distinct = distinct_mentions(lines)
    matcher = FuzzyResellerMatcher(thresholds)
    matcher.index_for(master.reference)
    exact = ExactIdentifiers.build(master.reference, master.account_numbers)
    indexed = time.perf_counter()
    results = resolve_mentions(distinct, master.reference, matcher=matcher, exact=exact)
    matched = time.perf_counter()
    per_mention = Counter(lines)
    line_decisions: Counter = Counter()
    for mention, count in per_mention.items():
        line_decisions[results[mention].decision] += count
    done = time.perf_counter()
    return MatchRun(
        results=results,
        lines=len(lines),
        distinct=len(distinct),
        line_decisions=line_decisions,
        seconds={
            "index": indexed - clock,
            "match": matched - indexed,
            "map_back": done - matched,
        },
    )


def match_file(
    mentions: MentionsFile, master: MasterData, thresholds: Thresholds, out: TextIO
) -> MatchRun:
    """Match a mentions file and write it back with the decision columns to ``out``."""
    run = match_mentions([line.mention for line in mentions.lines], master, thresholds)
    clock = time.perf_counter()
    write_results(out, mentions, run.results, master)
    run.seconds["write"] = time.perf_counter() - clock
    return run
