from django.core.management.base import BaseCommand
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

    def handle(self, *args, **options):
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            # The benchmark measures pages, not the two-factor step in front of the admin.
            with override_settings(REQUIRE_STAFF_MFA=False):
                bench.run(
                    tables=options["tables"],
                    measures_per_plan=options["measures"],
                    out=self.stdout.write,
                )
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
