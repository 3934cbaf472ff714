"""Create a first admin account on a fresh install (there are no default accounts).

    manage.py create_admin sysadmin --role system_admin
    manage.py create_admin secadmin --role security_admin
    manage.py create_admin auditadmin --role audit_admin
    manage.py create_admin zzb_admin --role district_admin --region demo

The password is asked for twice at the prompt (or read from standard input with
--password-stdin) and checked by the configured password validators. The account is never a
Django superuser or staff member: its powers come from its one role.
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessment.audit import audit
from assessment.models import SEPARATED_ADMIN_ROLES, AuditEvent, Membership, Region, Role, User
from assessment.services import separated_admin_grant

ROLES = sorted([*(r.value for r in SEPARATED_ADMIN_ROLES), Role.DISTRICT_ADMIN.value])


class Command(BaseCommand):
    help = "Create one admin account: system_admin, security_admin, audit_admin or district_admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--region", help="region code (required for district_admin)")
        parser.add_argument("--name", default="", help="display name (姓名)")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input instead of prompting",
        )

    def handle(self, *args, username, role, region, name, password_stdin, **options):
        username = username.strip()
        if not username:
            raise CommandError("username must not be empty")
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"account {username!r} already exists")
        region_obj = self._region(role, region)
        user = User(username=username, last_name=name, is_staff=False, is_superuser=False)
        password = self._password(user, password_stdin)
        with transaction.atomic():
            user.set_password(password)
            user.save()  # runs the validators' password_changed hooks: history, audit, date
            if role == Role.DISTRICT_ADMIN:
                membership = Membership(user=user, role=role, region=region_obj)
                membership.full_clean()
                membership.save()
                audit(
                    AuditEvent.Kind.ROLE_GRANTED,
                    username=username,
                    region=region_obj,
                    role=role,
                    by="create_admin",
                )
            else:
                separated_admin_grant(user=user, role=role)
        where = f" · {region_obj.name}" if region_obj else ""
        self.stdout.write(self.style.SUCCESS(f"created {username}: {Role(role).label}{where}"))

    def _region(self, role: str, code: str | None) -> Region | None:
        if role != Role.DISTRICT_ADMIN:
            if code:
                raise CommandError("--region is only for district_admin")
            return None
        if not code:
            raise CommandError("district_admin needs --region CODE")
        try:
            return Region.objects.get(code=code)
        except Region.DoesNotExist:
            known = ", ".join(Region.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"no region with code {code!r} (known: {known})") from None

    def _password(self, user: User, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            self._validate(password, user)
            return password
        if not sys.stdin.isatty():
            raise CommandError("no terminal to prompt on: use --password-stdin")
        for _attempt in range(3):
            password = getpass.getpass("密码 Password: ")
            if password != getpass.getpass("再次输入 Password (again): "):
                self.stderr.write("两次输入的密码不一致。Passwords do not match.")
                continue
            try:
                self._validate(password, user)
            except CommandError as exc:
                self.stderr.write(str(exc))
                continue
            return password
        raise CommandError("no acceptable password given")

    @staticmethod
    def _validate(password: str, user: User) -> None:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
