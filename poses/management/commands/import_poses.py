import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from poses.exchange import import_poses_from_text


class Command(BaseCommand):
    help = (
        "Create or update poses from a JSON file written by export_poses (see "
        "docs/import-export.md). Everything is checked first: with any error, nothing is "
        "written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The JSON file, or - for stdin.")

    def handle(self, *args, file, **options):
        try:
            content = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        result = import_poses_from_text(content)
        if not result.ok:
            problems = "\n".join(str(problem) for problem in result.errors)
            raise CommandError(
                f"Nothing was imported; fix these problems and try again:\n{problems}"
            )
        self.stdout.write(result.summary())
