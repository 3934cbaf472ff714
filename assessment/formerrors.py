"""Putting a service's ValidationError on the form, beside the field it names."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """Field errors go beside their field (or on top if the form has no such field); a plain
    error goes on top. The form keeps everything the user typed."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
