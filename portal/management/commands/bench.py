import os
import tempfile
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings, setup_test_environment

from portal import bench, bench_http


class Command(BaseCommand):
    help = (
        "Benchmarks the main pages on a province-sized synthetic data set (a throwaway database), "
        "in process and under gunicorn, then Lighthouse on the demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tables", type=int, default=100)
        parser.add_argument("--measures", type=int, default=60)
        parser.add_argument(
            "--hostile-files-only",
            action="store_true",
            help="Only the hostile files section (each bomb through both import pages).",
        )
        parser.add_argument(
            "--lighthouse-only",
            action="store_true",
            help="Only Lighthouse on the demo data under gunicorn (npm installs it into .bench/).",
        )
        parser.add_argument(
            "--no-server",
            action="store_true",
            help="Leave out what runs under gunicorn (requests per second, feed, Lighthouse).",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["lighthouse_only"]:
            with bench_http.workspace() as directory:
                bench_http.run_lighthouse(directory=directory, out=self.stdout.write)
            return
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        with tempfile.TemporaryDirectory(prefix="portal-bench-db-") as directory:
            sqlite = connection.vendor == "sqlite"
            if sqlite:
                # A file, not the test runner's in-memory database: gunicorn's workers open it.
                connection.settings_dict["TEST"]["NAME"] = os.path.join(directory, "bench.sqlite3")
            connection.creation.create_test_db(verbosity=0, autoclobber=True)
            server = not (options["no_server"] or options["hostile_files_only"])
            database = (
                "SQLite (un fichier)"
                if sqlite
                else f"PostgreSQL (base jetable {connection.settings_dict['NAME']})"
            )
            try:
                self.run(options, server, database)
            except bench.BenchFailure as failure:
                raise CommandError(str(failure)) from failure
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        self.stdout.write(f"\n(bench : {time.perf_counter() - started:.0f} s)")

    def run(self, options, server, database):
        # The benchmark measures pages, not the two-factor step in front of the admin.
        with override_settings(REQUIRE_STAFF_MFA=False):
            if options["hostile_files_only"]:
                bench.build_province(tables=1, measures_per_plan=6)
                bench.run_hostile_files(out=self.stdout.write)
                return
            bench.run(
                tables=options["tables"],
                measures_per_plan=options["measures"],
                database_url=bench_http.database_url(connection.settings_dict) if server else None,
                database=database,
                out=self.stdout.write,
            )
        if server:
            with bench_http.workspace() as directory:
                bench_http.run_lighthouse(directory=directory, out=self.stdout.write)
