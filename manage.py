#!/usr/bin/env python
import os
import sys

# Commands that write the source tree are development work: they run with the development
# defaults unless told otherwise, instead of asking for production's variables.
SOURCE_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "squashmigrations"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in SOURCE_COMMANDS:
        os.environ.setdefault("DEBUG", "1")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:  # the settings' own refusal says what to set
        sys.exit(f"{error}")


if __name__ == "__main__":
    main()
