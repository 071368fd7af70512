"""``midstream import-sellin FILE [--dry-run] [--user USERNAME]``: import the sell-in CSV."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from midstream.accounts.models import User
from midstream.core.errors import DomainError, InputRejected
from midstream.sales.importing import FIELDS, HEADER_SYNONYMS
from midstream.sales.services import import_sellin


def _columns_help() -> str:
    return "\n".join(
        f"  {field:<18} also: {', '.join(HEADER_SYNONYMS[field][1:]) or '-'}" for field in FIELDS
    )


class Command(BaseCommand):
    help = (
        "Import the vendor's sell-in (invoice/shipment) CSV export: all lines or none.\n\n"
        "Columns (header names ignore case, spaces and dashes; ship_to_warehouse is "
        "optional):\n" + _columns_help() + "\n\n"
        "Dates are YYYY-MM-DD; numbers use a dot, no thousands separator, no exponent.\n"
        "Lines already imported with the same values are counted as already present.\n\n"
        "On success prints the counts and exits 0. When the file has problems nothing is\n"
        "written; every problem is printed to stderr as 'FILE:LINE: field: code: message'\n"
        "and the command exits 1. Exit 2: the file cannot be opened or the user is unknown."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV file (UTF-8)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every line and print the counts, but write nothing",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="record the import as done by this user (needs the import_sellin "
            "permission); default: the system",
        )

    def handle(self, *args, file, dry_run, user, **options):
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot read: {error.strerror}", returncode=2) from None
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user named {user!r}", returncode=2)
        try:
            result = import_sellin(
                actor=actor, file_name=path.name, content=content, source="cli", dry_run=dry_run
            )
        except InputRejected as rejected:
            for problem in rejected.problems:
                line = problem.line if problem.line is not None else "-"
                self.stderr.write(
                    f"{file}:{line}: {problem.field or '-'}: {problem.code}: {problem.message}"
                )
            raise CommandError(rejected.message, returncode=1) from None
        except DomainError as error:
            raise CommandError(f"{file}: {error.code}: {error.message}", returncode=1) from None
        verb = "would be imported" if dry_run else "imported"
        self.stdout.write(
            f"{file}: {result.rows_read} lines read, {result.rows_inserted} {verb}, "
            f"{result.rows_already_present} already present"
            + (" (dry run: nothing written)" if dry_run else "")
        )
