#!/usr/bin/env python
import os
import secrets
import sys

# Commands that only read the models and migrations sign nothing: they need no real secret
# key, so `manage.py makemigrations --check` works on a fresh clone with no settings. Every
# other command (the server, `check --deploy`, …) still refuses to start without one.
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    if len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS:
        os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
