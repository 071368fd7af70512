"""Mapping profile API, mounted at ``/api/mapping-profiles``.

Reading needs ``view_distributors`` (a distributor login sees its own profiles only; another
distributor's answers 404); creating, changing (a new version) and suggesting from a file need
``change_distributors``. Rules refused by a service answer 400/409 with the error code.
"""

from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from midstream.accounts.permissions import Perm
from midstream.api.auth import auth_requiring
from midstream.api.helpers import require
from midstream.core.errors import DomainError
from midstream.core.scoping import get_in_scope
from midstream.ingest import selectors, services
from midstream.ingest.errors import ErrorCode
from midstream.ingest.records import MAX_FILE_BYTES
from midstream.ingest.schemas import (
    MappingProfileFilter,
    MappingProfileIn,
    MappingProfileOut,
    MappingProfileUpdateIn,
    SuggestionOut,
)
from midstream.partners.selectors import get_distributor

router = Router(tags=["mapping profiles"])

WRITE = auth_requiring(Perm.CHANGE_DISTRIBUTORS)


def _profile(request, perm: Perm, profile_id: int):
    scope = require(request, perm)
    return get_in_scope(selectors.profiles_for(scope), scope, pk=profile_id)


@router.get("", response=list[MappingProfileOut], operation_id="mapping_profile_list")
@paginate(PageNumberPagination)
def mapping_profile_list(request, filters: Query[MappingProfileFilter]):
    """Current profiles (``current=false``: every version), by distributor, kind, format."""
    scope = require(request, Perm.VIEW_DISTRIBUTORS)
    profiles = selectors.profiles_for(scope)
    if filters.current:
        profiles = profiles.filter(is_current=True)
    if filters.distributor_id:
        profiles = profiles.filter(distributor_id=filters.distributor_id)
    if filters.kind:
        profiles = profiles.filter(kind=filters.kind)
    if filters.format_family:
        profiles = profiles.filter(format_family=filters.format_family)
    return profiles.order_by("distributor__code", "kind", "format_family", "-version", "pk")


@router.post(
    "", response={201: MappingProfileOut}, operation_id="mapping_profile_create", auth=WRITE
)
def mapping_profile_create(request, payload: MappingProfileIn):
    scope = require(request, Perm.CHANGE_DISTRIBUTORS)
    distributor = get_distributor(scope, payload.distributor_id)
    profile = services.create_mapping_profile(
        actor=request.auth,
        distributor=distributor,
        kind=payload.kind.value,
        format_family=payload.format_family.value,
        spec=payload.spec,
        reason=payload.reason,
    )
    return Status(201, profile)


@router.post("/suggest", response=SuggestionOut, operation_id="mapping_profile_suggest", auth=WRITE)
def mapping_profile_suggest(
    request,
    file: UploadedFile | None = File(None),  # noqa: B008 - ninja's parameter marker
    kind: str = Form(""),
):
    """Propose a spec from a file's header (multipart field ``file``); nothing is saved."""
    require(request, Perm.CHANGE_DISTRIBUTORS)
    if file is None:
        raise DomainError(ErrorCode.INVALID_VALUE, "Send the file as field 'file'.", field="file")
    if file.size and file.size > MAX_FILE_BYTES:
        raise DomainError(ErrorCode.UNREADABLE_FILE, "The file is too large.", field="file")
    suggestion = services.suggest_mapping_profile_from_file(
        actor=request.auth, content=file.read(), file_name=file.name, kind=kind or None
    )
    return {
        "kind": suggestion.kind,
        "format_family": suggestion.format_family,
        "columns": list(suggestion.columns),
        "spec": suggestion.spec.to_dict(),
    }


@router.get("/{profile_id}", response=MappingProfileOut, operation_id="mapping_profile_get")
def mapping_profile_get(request, profile_id: int):
    return _profile(request, Perm.VIEW_DISTRIBUTORS, profile_id)


@router.get(
    "/{profile_id}/versions",
    response=list[MappingProfileOut],
    operation_id="mapping_profile_versions",
)
@paginate(PageNumberPagination)
def mapping_profile_versions(request, profile_id: int):
    """Every version of the profile's line (distributor, kind, format), newest first."""
    profile = _profile(request, Perm.VIEW_DISTRIBUTORS, profile_id)
    return selectors.versions_of(profile).select_related("distributor")


@router.post(
    "/{profile_id}/versions",
    response={201: MappingProfileOut},
    operation_id="mapping_profile_update",
    auth=WRITE,
)
def mapping_profile_update(request, profile_id: int, payload: MappingProfileUpdateIn):
    """A new version of the profile's line, made current; earlier versions are kept."""
    profile = _profile(request, Perm.CHANGE_DISTRIBUTORS, profile_id)
    new = services.update_mapping_profile(
        actor=request.auth,
        profile=profile,
        spec=payload.spec,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return Status(
        201, selectors.profiles_for(require(request, Perm.CHANGE_DISTRIBUTORS)).get(pk=new.pk)
    )
