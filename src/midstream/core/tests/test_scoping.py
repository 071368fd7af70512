import pytest
from django.http import Http404

from midstream.accounts.permissions import scope_for
from midstream.core.scoping import Scope, ScopeRequired, get_in_scope
from midstream.partners.models import Contact, Distributor


@pytest.mark.django_db
def test_unscoped_query_fails_closed(dist_a):
    with pytest.raises(ScopeRequired):
        list(Distributor.objects.all())
    with pytest.raises(ScopeRequired):
        Distributor.objects.filter(code="ALPHA").count()
    with pytest.raises(ScopeRequired):
        Distributor.objects.for_scope(None)


@pytest.mark.django_db
def test_distributor_scope_sees_only_its_rows(dist_a, dist_b):
    scope = Scope.distributor(dist_a.pk)
    assert list(Distributor.objects.for_scope(scope)) == [dist_a]
    assert set(Distributor.objects.for_scope(Scope.vendor())) == {dist_a, dist_b}


@pytest.mark.django_db
def test_get_in_scope_answers_404_for_foreign_and_missing_alike(dist_a, dist_b):
    scope = Scope.distributor(dist_a.pk)
    assert get_in_scope(Distributor, scope, pk=dist_a.pk) == dist_a
    with pytest.raises(Http404):
        get_in_scope(Distributor, scope, pk=dist_b.pk)
    with pytest.raises(Http404):
        get_in_scope(Distributor, scope, pk=999_999)


@pytest.mark.django_db
def test_related_managers_stay_usable(dist_a):
    Contact.objects.unscoped().create(distributor=dist_a, name="Ann", email="ann@example.com")
    assert [contact.name for contact in dist_a.contacts.all()] == ["Ann"]


@pytest.mark.django_db
def test_scope_for_fails_closed_for_users_without_scope(users):
    from django.contrib.auth.models import AnonymousUser

    from midstream.accounts.models import User

    with pytest.raises(ScopeRequired):
        scope_for(AnonymousUser())
    roleless = User(username="nobody", role="")
    with pytest.raises(ScopeRequired):
        scope_for(roleless)
    assert scope_for(users["foreign_user"]) == Scope.distributor(
        users["foreign_user"].distributor_id
    )


def test_a_scope_is_vendor_wide_or_one_distributors():
    with pytest.raises(ValueError):
        Scope(distributor_id=3, vendor_wide=True)
    with pytest.raises(ScopeRequired):
        Scope.distributor(0)
