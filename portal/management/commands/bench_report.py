from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import setup_test_environment

from portal import bench


class Command(BaseCommand):
    help = "Benchmarks the accountability PDF of the Beauce plan with 1,000 approved activities."

    def add_arguments(self, parser):
        parser.add_argument("--activities", type=int, default=1000)

    def handle(self, *args, **options):
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            bench.run_report(activities=options["activities"], out=self.stdout.write)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
