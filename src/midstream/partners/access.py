"""Access rules of the distributor pages and API (see ``core/access.py``).

Reading needs ``view_distributors`` (distributor roles: their own distributor only, another's
is 404); every change needs ``change_distributors``, which no distributor role has (403).
"""

from midstream.accounts.permissions import Perm
from midstream.core.access import api, page

VIEW = Perm.VIEW_DISTRIBUTORS
CHANGE = Perm.CHANGE_DISTRIBUTORS


def _distributor(cast):
    return {"pk": cast.distributor.pk}


def _territory(cast):
    return {"pk": cast.territory.pk}


def _contact(cast):
    return {"pk": cast.contact.pk}


def _item(cast):
    return {"pk": cast.onboarding_item.pk}


def _obligation(cast):
    return {"pk": cast.obligation.pk}


def _get_and_post(name: str, kwargs=None) -> list:
    return [
        page(name, CHANGE, kwargs=kwargs),
        page(name, CHANGE, kwargs=kwargs, method="POST"),
    ]


RULES = [
    page("partners:distributor_list", VIEW),
    page("partners:distributor_list", VIEW, query="export=csv"),
    page("partners:distributor_list", VIEW, query="export=xlsx"),
    page("partners:distributor_detail", VIEW, kwargs=_distributor),
    *_get_and_post("partners:distributor_create"),
    *_get_and_post("partners:distributor_update", _distributor),
    *_get_and_post("partners:distributor_status", _distributor),
    *_get_and_post("partners:territory_create", _distributor),
    *_get_and_post("partners:territory_update", _territory),
    *_get_and_post("partners:territory_delete", _territory),
    *_get_and_post("partners:contact_create", _distributor),
    *_get_and_post("partners:contact_update", _contact),
    *_get_and_post("partners:contact_delete", _contact),
    *_get_and_post("partners:onboarding_item_create", _distributor),
    *_get_and_post("partners:onboarding_item_update", _item),
    *_get_and_post("partners:onboarding_item_complete", _item),
    page("partners:onboarding_item_reopen", CHANGE, kwargs=_item, method="POST"),
    *_get_and_post("partners:onboarding_item_delete", _item),
    *_get_and_post("partners:obligation_create", _distributor),
    *_get_and_post("partners:obligation_update", _obligation),
    *_get_and_post("partners:obligation_delete", _obligation),
    # API
    api("distributor_list", VIEW),
    api("distributor_create", CHANGE, method="POST"),
    api("distributor_get", VIEW, kwargs=lambda c: {"distributor_id": c.distributor.pk}),
    api(
        "distributor_update",
        CHANGE,
        method="PATCH",
        kwargs=lambda c: {"distributor_id": c.distributor.pk},
    ),
    api(
        "distributor_change_status",
        CHANGE,
        method="POST",
        kwargs=lambda c: {"distributor_id": c.distributor.pk},
    ),
    api(
        "distributor_status_history",
        VIEW,
        kwargs=lambda c: {"distributor_id": c.distributor.pk},
    ),
    api("territory_list", VIEW, kwargs=lambda c: {"distributor_id": c.distributor.pk}),
    api(
        "territory_create",
        CHANGE,
        method="POST",
        kwargs=lambda c: {"distributor_id": c.distributor.pk},
    ),
    api(
        "territory_update",
        CHANGE,
        method="PATCH",
        kwargs=lambda c: {"distributor_id": c.distributor.pk, "territory_id": c.territory.pk},
    ),
    api(
        "territory_delete",
        CHANGE,
        method="DELETE",
        kwargs=lambda c: {"distributor_id": c.distributor.pk, "territory_id": c.territory.pk},
        ok=frozenset({204}),
    ),
    api("contact_list", VIEW, kwargs=lambda c: {"distributor_id": c.distributor.pk}),
    api(
        "contact_create",
        CHANGE,
        method="POST",
        kwargs=lambda c: {"distributor_id": c.distributor.pk},
    ),
    api(
        "contact_update",
        CHANGE,
        method="PATCH",
        kwargs=lambda c: {"distributor_id": c.distributor.pk, "contact_id": c.contact.pk},
    ),
    api(
        "contact_delete",
        CHANGE,
        method="DELETE",
        kwargs=lambda c: {"distributor_id": c.distributor.pk, "contact_id": c.contact.pk},
        ok=frozenset({204}),
    ),
    api("onboarding_item_list", VIEW, kwargs=lambda c: {"distributor_id": c.distributor.pk}),
    api(
        "onboarding_item_create",
        CHANGE,
        method="POST",
        kwargs=lambda c: {"distributor_id": c.distributor.pk},
    ),
    api(
        "onboarding_item_update",
        CHANGE,
        method="PATCH",
        kwargs=lambda c: {"distributor_id": c.distributor.pk, "item_id": c.onboarding_item.pk},
    ),
    api(
        "onboarding_item_complete",
        CHANGE,
        method="POST",
        kwargs=lambda c: {"distributor_id": c.distributor.pk, "item_id": c.onboarding_item.pk},
    ),
    api(
        "onboarding_item_reopen",
        CHANGE,
        method="POST",
        kwargs=lambda c: {"distributor_id": c.distributor.pk, "item_id": c.onboarding_item.pk},
    ),
    api(
        "onboarding_item_delete",
        CHANGE,
        method="DELETE",
        kwargs=lambda c: {"distributor_id": c.distributor.pk, "item_id": c.onboarding_item.pk},
        ok=frozenset({204}),
    ),
    api("obligation_list", VIEW, kwargs=lambda c: {"distributor_id": c.distributor.pk}),
    api(
        "obligation_create",
        CHANGE,
        method="POST",
        kwargs=lambda c: {"distributor_id": c.distributor.pk},
    ),
    api(
        "obligation_update",
        CHANGE,
        method="PATCH",
        kwargs=lambda c: {"distributor_id": c.distributor.pk, "obligation_id": c.obligation.pk},
    ),
    api(
        "obligation_delete",
        CHANGE,
        method="DELETE",
        kwargs=lambda c: {"distributor_id": c.distributor.pk, "obligation_id": c.obligation.pk},
        ok=frozenset({204}),
    ),
]
