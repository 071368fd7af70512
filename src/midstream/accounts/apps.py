from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "midstream.accounts"
    label = "accounts"
    verbose_name = "Accounts: users, roles, API tokens"
