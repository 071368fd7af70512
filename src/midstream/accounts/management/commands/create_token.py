from django.core.management.base import BaseCommand, CommandError

from midstream.accounts import services
from midstream.accounts.models import User
from midstream.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue an API token for USER, named NAME, and print it. The token is shown only "
        "this once; Midstream stores a hash. Use it as `Authorization: Bearer <token>`."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="the login the token acts as")
        parser.add_argument("name", help="what the token is for, e.g. 'ERP nightly upload'")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            _token, text = services.issue_token(actor=user, user=user, name=name)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(text)
