import pytest
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def collected_static_files():
    """Pages link hashed static files from whitenoise's manifest, as in production."""
    call_command("collectstatic", interactive=False, verbosity=0)
