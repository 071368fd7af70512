from midstream.accounts.permissions import Perm
from midstream.core.access import api, page


def _line(cast) -> dict:
    return {"pk": cast.sellin_line.pk}


RULES = [
    page("sales:sellin_list", Perm.VIEW_SELLIN),
    page("sales:sellin_list", Perm.VIEW_SELLIN, query="export=csv"),
    page("sales:sellin_list", Perm.VIEW_SELLIN, query="export=xlsx"),
    page("sales:sellin_detail", Perm.VIEW_SELLIN, kwargs=_line),
    page("sales:sellin_import", Perm.IMPORT_SELLIN, vendor_only=True),
    page("sales:sellin_import", Perm.IMPORT_SELLIN, vendor_only=True, method="POST"),
    page("sales:import_list", Perm.VIEW_SELLIN, vendor_only=True),
    page("sales:import_list", Perm.VIEW_SELLIN, vendor_only=True, query="export=csv"),
    page("sales:sellin_monthly", Perm.VIEW_SELLIN),
    page("sales:sellin_monthly", Perm.VIEW_SELLIN, query="grain=quarter"),
    api("sellin_list", Perm.VIEW_SELLIN),
    api("sellin_get", Perm.VIEW_SELLIN, kwargs=lambda cast: {"line_id": cast.sellin_line.pk}),
    api("sellin_import", Perm.IMPORT_SELLIN, vendor_only=True, method="POST"),
    api("sellin_import_list", Perm.VIEW_SELLIN, vendor_only=True),
    api("sellin_monthly", Perm.VIEW_SELLIN),
]
