import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create (once) an admin login for local development and print how to use it."

    username = "admin"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Only for local development (DJANGO_DEBUG=1).")
        password_file = settings.VAR_DIR / "local-admin-password.txt"
        User = get_user_model()
        if not User.objects.filter(username=self.username).exists() or not password_file.exists():
            password = secrets.token_urlsafe(12)
            user, _ = User.objects.get_or_create(username=self.username)
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password)
        password = password_file.read_text().strip()
        self.stdout.write(
            f"Admin: http://127.0.0.1:8000/admin/  user: {self.username}  password: {password}"
        )
