from django import forms
from django.contrib.auth.password_validation import validate_password

from midstream.accounts.choices import Role
from midstream.partners.models import Distributor


def _distributor_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Distributor.objects.unscoped().order_by("code"),
        required=False,
        help_text="Required for distributor roles, empty for vendor roles.",
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices)
    distributor = _distributor_field()
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    reason = forms.CharField(max_length=500, required=False)

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class UserRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    distributor = _distributor_field()
    reason = forms.CharField(max_length=500)


class UserActiveForm(forms.Form):
    active = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=500)
