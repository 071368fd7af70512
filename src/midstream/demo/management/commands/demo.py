"""``midstream demo``: load the deterministic demo data set (issue 2, "Demo data")."""

from __future__ import annotations

import argparse
import datetime as dt
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from midstream.core.errors import DomainError
from midstream.demo.generator import DEFAULT_SEED, DemoParams, generate
from midstream.demo.loader import (
    demo_login_rows,
    load_demo,
    load_demo_reports,
    refuse_unless_empty,
    tables_with_rows,
)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def format_table(header: tuple[str, ...], rows: list[tuple]) -> str:
    cells = [tuple(str(cell) for cell in row) for row in [header, *rows]]
    widths = [max(len(row[index]) for row in cells) for index in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        padded = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


class Command(BaseCommand):
    help = (
        "Load the deterministic demo data set: distributors, resellers, products, agreements, "
        "exchange rates, sell-in, one login per role, and 24 months of the distributors' "
        "report files through the intake pipeline. Refuses a database that holds data "
        "unless --reset."
    )

    def add_arguments(self, parser):
        sizes = parser.add_argument_group("size (explicit counts override --scale)")
        sizes.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1.0 = 25 distributors, 3,000 resellers, 400 products (default 1.0)",
        )
        sizes.add_argument("--distributors", type=int, help="number of distributors (min 2)")
        sizes.add_argument("--resellers", type=int, help="number of resellers")
        sizes.add_argument("--products", type=int, help="number of products")
        sizes.add_argument("--months", type=int, help="months of sell-in (default 24)")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--as-of",
            type=_date,
            help="the demo's 'today' (YYYY-MM-DD); sell-in ends with the month before it. "
            "Default: today",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="DELETE all Midstream data (every domain table and all logins) first",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load only into an empty database; otherwise say so and succeed",
        )
        parser.add_argument(
            "--no-reports",
            action="store_true",
            help="skip the distributors' sell-through and inventory report files",
        )
        parser.add_argument(
            "--logins", action="store_true", help="only print the demo logins and exit"
        )

    def handle(self, *args, **options):
        if options["logins"]:
            self.print_logins()
            return
        # "Creates the database if needed": bring the schema up to date first (a no-op when
        # it is), so `midstream demo` works on a fresh or an older database alike.
        call_command("migrate", verbosity=0, interactive=False)
        if options["if_empty"] and not options["reset"] and tables_with_rows():
            self.stdout.write(
                "The database already holds data: demo load skipped "
                "(`midstream demo --reset` replaces everything with the demo)."
            )
            return
        try:
            params = DemoParams.build(
                as_of=options["as_of"] or timezone.localdate(),
                seed=options["seed"],
                scale=options["scale"],
                distributors=options["distributors"],
                resellers=options["resellers"],
                products=options["products"],
                months=options["months"],
            )
            if not options["reset"]:
                refuse_unless_empty()  # checked again inside the load's transaction
        except ValueError as error:
            raise CommandError(str(error)) from None
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Generating the demo data set: {params.describe()} …")
        started = time.perf_counter()
        data = generate(params)
        generated = time.perf_counter()
        self.stdout.write(f"Writing {len(data.sellin):,} sell-in lines and the master data …")
        try:
            counts = load_demo(data, reset=options["reset"])
        except DomainError as error:
            raise CommandError(error.message) from None
        finished = time.perf_counter()
        self.stdout.write("")
        self.stdout.write(
            format_table(("rows", "count"), [(name, f"{n:,}") for name, n in counts.items()])
        )
        reports = ""
        if not options["no_reports"]:
            reports = self.load_reports(data)
        reports += self.load_compliance(params)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {time.perf_counter() - started:.1f} s "
                f"(generate {generated - started:.1f} s, write {finished - generated:.1f} s"
                f"{reports})."
            )
        )
        self.print_logins()

    def load_compliance(self, params) -> str:
        """Expected reports, statuses and scores as of the demo's today (issue 4)."""
        from midstream.demo.compliance_demo import load_compliance_demo

        started = time.perf_counter()
        result = load_compliance_demo(as_of=params.as_of, months=params.months)
        self.stdout.write("")
        self.stdout.write(format_table(("expected reports", "count"), result.rows()))
        return f", compliance {time.perf_counter() - started:.1f} s"

    def load_reports(self, data) -> str:
        """The report files through the intake pipeline; returns the timing for the summary."""
        self.stdout.write("")
        self.stdout.write("Sending the distributors' report files through the intake pipeline …")
        step = {"next": 0.1}

        def progress(done: int, total: int) -> None:
            if done / total >= step["next"] or done == total:
                self.stdout.write(f"  {done:,} of {total:,} files")
                step["next"] = done / total + 0.1

        try:
            plan, result = load_demo_reports(data, on_file=progress)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write("")
        summary = {**plan.summary(), **result.counts()}
        self.stdout.write(
            format_table(("reports", "count"), [(name, f"{n:,}") for name, n in summary.items()])
        )
        if result.mismatches:
            self.stdout.write("")
            self.stdout.write(
                self.style.WARNING(f"{len(result.mismatches)} file(s) ended other than planned:")
            )
            for line in result.mismatches[:20]:
                self.stdout.write(f"  {line}")
        return f", report files {result.seconds:.1f} s"

    def print_logins(self) -> None:
        rows = demo_login_rows()
        if not rows:
            self.stdout.write("No demo logins in this database: run `midstream demo` first.")
            return
        self.stdout.write("")
        self.stdout.write("Demo logins:")
        self.stdout.write(format_table(("username", "role", "distributor", "password"), rows))
