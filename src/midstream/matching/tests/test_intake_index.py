"""The engine's index is kept per process while the reseller master is unchanged."""

from types import MappingProxyType

from midstream.ingest.resolve.resellers import ResellerRecord, ResellerReference
from midstream.matching import intake


def reference(*names: str, distributor_id: int = 1, aliases=()) -> ResellerReference:
    records = {
        pk: ResellerRecord(pk, f"R{pk:05d}", name, "DE", "10115", "Berlin", "", "")
        for pk, name in enumerate(names, start=1)
    }
    return ResellerReference(distributor_id, MappingProxyType(records), tuple(aliases))


def test_equal_reference_data_reuses_the_index_and_any_change_builds_a_new_one(monkeypatch):
    monkeypatch.setattr(intake, "_INDEXES", [])
    first = intake.shared_index(reference("Acme GmbH", "Beta AG"))
    # Loaded again for the next file: other objects, equal data.
    assert intake.shared_index(reference("Acme GmbH", "Beta AG")) is first
    renamed = intake.shared_index(reference("Acme GmbH", "Beta Systems AG"))
    assert renamed is not first
    with_alias = intake.shared_index(reference("Acme GmbH", "Beta AG", aliases=[("ACME", 1)]))
    assert with_alias not in (first, renamed)
    other_distributor = intake.shared_index(reference("Acme GmbH", "Beta AG", distributor_id=2))
    assert other_distributor is not first
    assert intake.shared_index(reference("Acme GmbH", "Beta AG")) is first


def test_only_the_latest_indexes_are_kept(monkeypatch):
    monkeypatch.setattr(intake, "_INDEXES", [])
    built = [
        intake.shared_index(reference(f"Reseller {n}")) for n in range(intake.INDEXES_KEPT + 1)
    ]
    assert len(intake._INDEXES) == intake.INDEXES_KEPT
    assert intake.shared_index(reference("Reseller 0")) is not built[0]  # dropped, built again
    assert intake.shared_index(reference(f"Reseller {intake.INDEXES_KEPT}")) is built[-1]


def test_the_review_matcher_uses_the_kept_index(monkeypatch):
    monkeypatch.setattr(intake, "_INDEXES", [])
    kept = intake.shared_index(reference("Acme GmbH"))
    matcher = intake.ReviewMatcher(intake.Thresholds())
    assert matcher.index_for(reference("Acme GmbH")) is kept
