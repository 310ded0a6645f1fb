from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings, setup_test_environment

from portal import bench


class Command(BaseCommand):
    help = (
        "Benchmarks the main pages on a province-sized synthetic data set (a throwaway database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tables", type=int, default=100)
        parser.add_argument("--measures", type=int, default=60)
        parser.add_argument(
            "--hostile-files-only",
            action="store_true",
            help="Only the hostile files section (each bomb through both import pages).",
        )

    def handle(self, *args, **options):
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            # The benchmark measures pages, not the two-factor step in front of the admin.
            with override_settings(REQUIRE_STAFF_MFA=False):
                if options["hostile_files_only"]:
                    bench.build_province(tables=1, measures_per_plan=6)
                    bench.run_hostile_files(out=self.stdout.write)
                else:
                    bench.run(
                        tables=options["tables"],
                        measures_per_plan=options["measures"],
                        out=self.stdout.write,
                    )
        except bench.BenchFailure as failure:
            raise CommandError(str(failure)) from failure
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
