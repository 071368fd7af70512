"""Access rules of agreement pages and API operations (see ``core/access.py``)."""

from midstream.accounts.permissions import Perm
from midstream.core.access import api, page


def _agreement(cast) -> dict:
    return {"pk": cast.agreement.pk}


def _version(cast) -> dict:
    return {"pk": cast.agreement_version.agreement_id, "number": cast.agreement_version.version}


def _api_agreement(cast) -> dict:
    return {"agreement_id": cast.agreement.pk}


def _api_version(cast) -> dict:
    return {
        "agreement_id": cast.agreement_version.agreement_id,
        "version": cast.agreement_version.version,
    }


VIEW = Perm.VIEW_AGREEMENTS
CHANGE = Perm.CHANGE_AGREEMENTS

RULES = [
    page("agreements:agreement_list", VIEW),
    page("agreements:agreement_list", VIEW, query="export=csv"),
    page("agreements:agreement_list", VIEW, query="export=xlsx"),
    page("agreements:in_force", VIEW),
    page("agreements:in_force", VIEW, query="on=2026-01-01&export=csv"),
    page("agreements:agreement_create", CHANGE),
    page("agreements:agreement_create", CHANGE, method="POST"),
    page("agreements:agreement_detail", VIEW, kwargs=_agreement),
    page("agreements:agreement_detail", VIEW, kwargs=_agreement, query="on=2026-01-01"),
    page("agreements:version_detail", VIEW, kwargs=_version),
    page("agreements:agreement_diff", VIEW, kwargs=_agreement),
    page("agreements:agreement_amend", CHANGE, kwargs=_agreement),
    page("agreements:agreement_amend", CHANGE, method="POST", kwargs=_agreement),
    page("agreements:agreement_end", CHANGE, kwargs=_agreement),
    page("agreements:agreement_end", CHANGE, method="POST", kwargs=_agreement),
    api("agreement_list", VIEW),
    api("agreement_create", CHANGE, method="POST"),
    api("agreement_get", VIEW, kwargs=_api_agreement),
    api("agreement_amend", CHANGE, method="POST", kwargs=_api_agreement),
    api("agreement_end", CHANGE, method="POST", kwargs=_api_agreement),
    api("agreement_version_get", VIEW, kwargs=_api_version),
    api("agreement_diff", VIEW, kwargs=_api_agreement),
    api("agreement_in_force", VIEW, kwargs=_api_agreement),
]
