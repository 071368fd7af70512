"""Mapping profile pages: thin adapters between forms, the services and the templates.

Vendor staff with ``view_distributors`` see every distributor's profiles; a distributor user
sees its own read-only (another distributor's answers 404). Creating a profile, a new version,
or a suggestion from a file needs ``change_distributors``.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from midstream.accounts.decorators import require_perm
from midstream.accounts.permissions import Perm, has_perm, scope_for
from midstream.core.errors import DomainError
from midstream.core.listing import Column, Filter, ListSpec, render_list
from midstream.core.scoping import get_in_scope
from midstream.ingest import selectors, services
from midstream.ingest.choices import FormatFamily, ProfileKind
from midstream.ingest.forms import ProfileCreateForm, SpecForm, SuggestForm, column_field_name
from midstream.ingest.mapping import MappingSpec, default_spec
from midstream.partners.selectors import distributors as distributors_in

PROFILE_SPEC = ListSpec(
    name="mapping-profiles",
    columns=[
        Column("distributor", "Distributor", value="distributor.code", sort="distributor__code"),
        Column("kind", "Report", value="get_kind_display", sort="kind"),
        Column("format_family", "Format", value="get_format_family_display", sort="format_family"),
        Column("version", "Version", link="ingest:profile_detail", sort="version", numeric=True),
        Column("is_current", "Current"),
        Column("created_at", "Created", sort="created_at"),
        Column("created_by", "By", value="created_by.username"),
        Column("change_reason", "Reason"),
    ],
    search_fields=["distributor__code", "distributor__legal_name", "change_reason"],
    filters=[
        Filter("kind", "Report", "kind", ProfileKind.choices),
        Filter("format_family", "Format", "format_family", FormatFamily.choices),
        Filter("current", "Versions", "is_current", [("True", "Current"), ("False", "Earlier")]),
    ],
    default_sort="distributor",
)


def _list_spec(scope) -> ListSpec:
    choices = [(str(d.pk), d.code) for d in distributors_in(scope).order_by("code")]
    return ListSpec(
        name=PROFILE_SPEC.name,
        columns=PROFILE_SPEC.columns,
        search_fields=PROFILE_SPEC.search_fields,
        filters=[
            Filter("distributor", "Distributor", "distributor_id", choices),
            *PROFILE_SPEC.filters,
        ],
        default_sort=PROFILE_SPEC.default_sort,
    )


def _profile(request, pk: int):
    scope = scope_for(request.user)
    return get_in_scope(selectors.profiles_for(scope), scope, pk=pk)


def _kind(request) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind") or ProfileKind.SELL_THROUGH
    return kind if kind in ProfileKind.values else ProfileKind.SELL_THROUGH


def _show_error(form, error: DomainError) -> None:
    field = error.field or ""
    if field.startswith("spec.columns."):
        field = column_field_name(field.removeprefix("spec.columns."))
    elif field.startswith("spec."):
        field = field.removeprefix("spec.").split(".")[0]
    form.add_error(field if field in form.fields else None, error.message)


@require_perm(Perm.VIEW_DISTRIBUTORS)
def profile_list(request):
    scope = scope_for(request.user)
    can_change = has_perm(request.user, Perm.CHANGE_DISTRIBUTORS)
    return render_list(
        request,
        selectors.profiles_for(scope),
        _list_spec(scope),
        context={
            "title": "Mapping profiles",
            "subtitle": "How each distributor's report columns, codes, dates and numbers are read.",
            "create_url": reverse("ingest:profile_create") if can_change else None,
            "create_label": "New mapping profile",
        },
    )


@require_perm(Perm.VIEW_DISTRIBUTORS)
def profile_detail(request, pk: int):
    profile = _profile(request, pk)
    versions = list(selectors.versions_of(profile))
    compare_to = None
    requested = request.GET.get("compare", "")
    if requested.isdigit():
        compare_to = next((v for v in versions if v.version == int(requested)), None)
    if compare_to is None:
        compare_to = next((v for v in versions if v.version == profile.version - 1), None)
    spec = profile.mapping_spec()
    return render(
        request,
        "ingest/profile_detail.html",
        {
            "profile": profile,
            "spec": spec,
            "columns": list(spec.columns.items()),
            "versions": versions,
            "compare_to": compare_to,
            "diff": selectors.spec_diff(compare_to.spec, profile.spec) if compare_to else [],
            "can_change": has_perm(request.user, Perm.CHANGE_DISTRIBUTORS),
        },
    )


def _columns_from_post(request) -> list[str]:
    return [c for c in request.POST.getlist("source_columns") if c][:500]


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def profile_create(request):
    scope = scope_for(request.user)
    kind = _kind(request)
    distributors = list(distributors_in(scope).order_by("code"))
    columns = _columns_from_post(request) if request.method == "POST" else []
    data = request.POST if request.method == "POST" else None
    initial = SpecForm.initial_from(default_spec(FormatFamily.TABULAR, kind))
    form = ProfileCreateForm(
        data, kind=kind, columns=columns, distributors=distributors, initial=initial
    )
    if data is not None and form.is_valid():
        distributor = next(d for d in distributors if d.pk == form.cleaned_data["distributor"])
        try:
            profile = services.create_mapping_profile(
                actor=request.user,
                distributor=distributor,
                kind=kind,
                format_family=form.cleaned_data["format_family"],
                spec=form.spec_data(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, f"Mapping profile version {profile.version} saved.")
            return redirect("ingest:profile_detail", pk=profile.pk)
    return _form(request, form, title="New mapping profile", kind=kind, columns=columns)


def _form(request, form, *, title: str, kind: str, columns, profile=None, action=None):
    return render(
        request,
        "ingest/profile_form.html",
        {
            "form": form,
            "title": title,
            "kind": kind,
            "kinds": ProfileKind.choices,
            "source_columns": columns,
            "profile": profile,
            "action": action or request.path,
        },
    )


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def profile_suggest(request):
    """Upload a file: the create form comes back pre-filled from its header."""
    scope = scope_for(request.user)
    distributors = list(distributors_in(scope).order_by("code"))
    upload = SuggestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload.is_valid():
        kind = upload.cleaned_data["kind"]
        file = upload.cleaned_data["file"]
        try:
            suggestion = services.suggest_mapping_profile_from_file(
                actor=request.user, content=file.read(), file_name=file.name, kind=kind
            )
        except DomainError as error:
            upload.add_error("file", error.message)
        else:
            columns = list(suggestion.columns)
            initial = SpecForm.initial_from(suggestion.spec) | {
                "format_family": suggestion.format_family
            }
            form = ProfileCreateForm(
                kind=suggestion.kind, columns=columns, distributors=distributors, initial=initial
            )
            messages.info(request, f"Suggested from {file.name}: check every field, then save.")
            return _form(
                request,
                form,
                title="New mapping profile",
                kind=suggestion.kind,
                columns=columns,
                action=reverse("ingest:profile_create") + f"?kind={suggestion.kind}",
            )
    return render(request, "ingest/profile_suggest.html", {"form": upload})


@require_perm(Perm.CHANGE_DISTRIBUTORS)
def profile_update(request, pk: int):
    profile = _profile(request, pk)
    current = selectors.current_profile(profile.distributor_id, profile.kind, profile.format_family)
    base = current or profile
    columns = _columns_from_post(request) if request.method == "POST" else []
    data = request.POST if request.method == "POST" else None
    form = SpecForm(
        data,
        kind=profile.kind,
        columns=columns,
        initial=SpecForm.initial_from(MappingSpec.from_dict(base.spec)),
    )
    if data is not None and form.is_valid():
        expected = request.POST.get("expected_version", "")
        try:
            new = services.update_mapping_profile(
                actor=request.user,
                profile=base,
                spec=form.spec_data(),
                reason=form.cleaned_data["reason"],
                expected_version=int(expected) if expected.isdigit() else None,
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, f"Version {new.version} saved and made current.")
            return redirect("ingest:profile_detail", pk=new.pk)
    return _form(
        request,
        form,
        title=f"{profile.distributor.code}: new version of the "
        f"{profile.get_kind_display().lower()} {profile.get_format_family_display()} profile",
        kind=profile.kind,
        columns=columns,
        profile=base,
    )
