"""The ``midstream`` console command: Django management with Midstream's settings.

Every management command is a subcommand (``midstream demo``, ``midstream migrate``,
``midstream import-sellin FILE``…). Commands are spelled with dashes or underscores.
"""

import os
import sys

HELP = """usage: midstream COMMAND [options]

Midstream: distributor management for vendors who sell through wholesale distributors.

Common commands:
  demo                 create the database if needed and load the deterministic demo data set
  migrate              create or upgrade the database schema
  runserver [ADDR]     serve the web app (default http://127.0.0.1:8000)
  import-sellin FILE   import the vendor's sell-in (invoice/shipment) CSV export
  inspect FILE         read a distributor report (CSV, XLSX, X12, EDIFACT, JSON) and show
                       what Midstream reads in it, changing nothing
  ingest FILE          submit a distributor report (--distributor CODE); --wait follows a
                       worker's progress, --now processes it here; --retry ID requeues one
  worker               run one worker process for the queue of reports to ingest (run
                       several to work in parallel; --once empties the queue and exits)
  compliance           recompute expected reports, statuses and scores (--as-of DATE);
                       --send-reminders also sends the reminders due
  match-resellers FILE match a CSV of reseller names against the reseller master
  createsuperuser      create a vendor admin login
  create-token USER    issue an API token for a user (shown once)
  check                check the configuration (add --deploy with MIDSTREAM_ENV=production)
  help COMMAND         explain one command and its options

Every Django management command works too: `midstream help` lists them all.
Settings come from the environment: MIDSTREAM_ENV, DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS.
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midstream.settings")
    if len(argv) < 2 or argv[1] in {"-h", "--help"}:
        print(HELP)
        if len(argv) < 2:
            return
        argv = [argv[0], "help"]
    else:
        argv[1] = argv[1].replace("-", "_")
        if argv[1] == "help" and len(argv) > 2:
            argv[2] = argv[2].replace("-", "_")

    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
