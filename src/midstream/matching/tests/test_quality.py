"""Measured quality on a generated labelled set (issue 4, item 6), as a real assertion.

2,000 master resellers and 5,000 raw mentions from ``demo.matching_set`` (every variation
kind, hard negatives, resellers absent from the master), matched with the default
thresholds through the ``match-resellers`` code path. Precision: of the mentions accepted
automatically, the share matched to the right reseller; recall: of the mentions whose
reseller is in the master, the share accepted automatically and correctly.
"""

import io

import pytest

from midstream.demo.matching_set import ABSENT_KINDS, generate_matching_set, line_counts
from midstream.matching.batch import match_file
from midstream.matching.engine import Decision, Thresholds
from midstream.matching.files import read_master, read_mentions


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    directory = tmp_path_factory.mktemp("quality")
    labelled = generate_matching_set(seed=11, masters=2_000, mentions=5_000)
    masters_path, mentions_path = labelled.write_csv(directory)
    master = read_master(masters_path.read_bytes(), source="masters.csv")
    mentions = read_mentions(mentions_path.read_bytes(), source="mentions.csv")
    run = match_file(mentions, master, Thresholds(), io.StringIO())
    by_label = {label: reseller_id for reseller_id, label in master.labels.items()}
    pairs = []
    for line, row in zip(mentions.lines, labelled.mentions, strict=True):
        truth = by_label[row.truth] if row.truth else None
        pairs.append((row.kind, truth, run.results[line.mention]))
    return labelled, pairs


def test_the_set_has_every_kind_and_absent_resellers(outcome):
    labelled, _pairs = outcome
    kinds = labelled.kind_counts()
    assert len(labelled.masters) == 2_000
    assert len(labelled.mentions) == 5_000
    assert {"typo", "hard_negative", "new_reseller", "branch_address"} <= set(kinds)
    assert sum(count for kind, count in kinds.items() if kind in ABSENT_KINDS) >= 500


def test_precision_and_recall_of_automatic_decisions(outcome):
    _labelled, pairs = outcome
    auto = [(truth, result) for _kind, truth, result in pairs if result.decision is Decision.AUTO]
    correct = sum(1 for truth, result in auto if result.reseller_id == truth)
    present = sum(1 for _kind, truth, _result in pairs if truth is not None)
    precision = correct / len(auto)
    recall = correct / present
    assert precision >= 0.995, precision
    assert recall >= 0.90, recall


def test_at_most_one_percent_of_absent_resellers_is_accepted(outcome):
    _labelled, pairs = outcome
    absent = [result for kind, _truth, result in pairs if kind in ABSENT_KINDS]
    accepted = sum(1 for result in absent if result.decision is Decision.AUTO)
    assert accepted / len(absent) <= 0.01, accepted


def test_the_set_is_deterministic_from_its_seed():
    first = generate_matching_set(seed=3, masters=300, mentions=400)
    assert first == generate_matching_set(seed=3, masters=300, mentions=400)
    assert first != generate_matching_set(seed=4, masters=300, mentions=400)
    assert len({mention.name for mention in first.mentions}) > 350


def test_line_counts_repeat_every_mention_with_a_long_tail():
    counts = line_counts(1_000, 20_000, seed=2)
    assert sum(counts) == 20_000
    assert min(counts) >= 1
    assert sum(sorted(counts, reverse=True)[:10]) > 0.2 * 20_000  # 1 % of them, a fifth
    with pytest.raises(ValueError, match="at least one line"):
        line_counts(10, 5)
