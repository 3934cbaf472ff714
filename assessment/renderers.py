"""The form renderer."""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(Jinja2):
    """Django's built-in widget templates rendered with Jinja2 (the same HTML at a fraction of
    the Django engine's cost on every form page); templates that exist only for the Django
    engine, such as the admin's widget wrappers, fall back to it."""

    @cached_property
    def fallback(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
