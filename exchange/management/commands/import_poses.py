import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.importer import import_poses_from_text


def printable(text):
    """Text from the file, safe for a terminal: control characters (escape sequences among
    them) and invisible ones are shown as escapes, never sent as they are."""
    return "".join(
        character if character.isprintable() else character.encode("unicode_escape").decode()
        for character in text
    )


class Command(BaseCommand):
    help = (
        "Create or update poses from a JSON file written by export_poses (see "
        "docs/import-export.md). Everything is checked first: with any error, nothing is "
        "written. Progress goes to stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The JSON file, or - for stdin.")

    def handle(self, *args, file, verbosity, **options):
        try:
            content = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {printable(file)}: {error}") from error
        if verbosity:
            self.stderr.write("Checking the file…")
        result = import_poses_from_text(content, progress=self.progress if verbosity else None)
        if not result.ok:
            problems = "\n".join(printable(str(problem)) for problem in result.errors)
            raise CommandError(
                f"Nothing was imported; fix these problems and try again:\n{problems}"
            )
        self.stdout.write(result.summary())

    def progress(self, done, total):
        if done == total or done % 100 == 0:
            self.stderr.write(f"Written {done:,} of {total:,} changed poses.")
