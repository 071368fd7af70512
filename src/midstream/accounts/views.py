from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from midstream.accounts import services
from midstream.accounts.choices import Role
from midstream.accounts.decorators import require_perm
from midstream.accounts.forms import UserActiveForm, UserCreateForm, UserRoleForm
from midstream.accounts.models import APIToken, User
from midstream.accounts.permissions import Perm
from midstream.core.errors import DomainError
from midstream.core.listing import Column, Filter, ListSpec, render_list


@require_perm(Perm.USE_API_TOKENS)
def token_list(request):
    """Your API tokens. A new token's full text is shown once, right after it is issued."""
    new_token = None
    if request.method == "POST":
        try:
            _token, new_token = services.issue_token(
                actor=request.user, user=request.user, name=request.POST.get("name", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
    tokens = APIToken.objects.filter(user=request.user)
    return render(request, "accounts/tokens.html", {"tokens": tokens, "new_token": new_token})


@require_perm(Perm.USE_API_TOKENS)
@require_POST
def token_revoke(request, pk: int):
    try:
        services.revoke_token(actor=request.user, token_id=pk)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from None
        raise PermissionDenied(error.message) from None
    messages.success(request, "Token revoked.")
    return redirect("accounts:token_list")


USER_SPEC = ListSpec(
    name="users",
    columns=[
        Column("username", "Username", link="accounts:user_detail", sort="username"),
        Column("role", "Role", value="get_role_display", sort="role"),
        Column("distributor", "Distributor", value="distributor.code", sort="distributor__code"),
        Column("email", "Email"),
        Column("is_active", "Active", sort="is_active"),
        Column("last_login", "Last login", sort="last_login"),
    ],
    search_fields=["username", "email", "first_name", "last_name", "distributor__code"],
    filters=[
        Filter("role", "Role", "role", list(Role.choices)),
        Filter("active", "Active", "is_active", [("True", "active"), ("False", "inactive")]),
    ],
    default_sort="username",
)


@require_perm(Perm.MANAGE_USERS, vendor_only=True)
def user_list(request):
    return render_list(
        request,
        User.objects.select_related("distributor"),
        USER_SPEC,
        context={
            "title": "Users",
            "create_url": reverse("accounts:user_create"),
            "create_label": "New user",
        },
    )


def _create_user_from(request, form: UserCreateForm) -> User | None:
    try:
        return services.create_user(actor=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(error.field, error.message)
        return None


@require_perm(Perm.MANAGE_USERS, vendor_only=True)
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _create_user_from(request, form)
        if user is not None:
            messages.success(request, f"User {user.username} created.")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": "New user"})


@require_perm(Perm.MANAGE_USERS, vendor_only=True)
def user_detail(request, pk: int):
    user = get_object_or_404(User.objects.select_related("distributor"), pk=pk)
    role_form = UserRoleForm(initial={"role": user.role, "distributor": user.distributor})
    active_form = UserActiveForm(initial={"active": not user.is_active})
    if request.method == "POST":
        try:
            if "change_role" in request.POST:
                role_form = UserRoleForm(request.POST)
                if role_form.is_valid():
                    services.change_user_role(
                        actor=request.user, user=user, **role_form.cleaned_data
                    )
                    messages.success(request, "Role changed.")
                    return redirect("accounts:user_detail", pk=user.pk)
            else:
                active_form = UserActiveForm(request.POST)
                if active_form.is_valid():
                    services.set_user_active(
                        actor=request.user, user=user, **active_form.cleaned_data
                    )
                    messages.success(request, "Saved.")
                    return redirect("accounts:user_detail", pk=user.pk)
        except DomainError as error:
            target = role_form if "change_role" in request.POST else active_form
            target.add_error(None, error.message)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "role_form": role_form,
            "active_form": active_form,
            "tokens": APIToken.objects.filter(user=user),
        },
    )
