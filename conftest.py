import os

# Tests run with debug off, as production does; they need a key but no real secret.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
