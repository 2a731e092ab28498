"""The appointment e-mails' SES templates in template.yaml: one per kind and language, named as the mailer
asks for them, and using only the flat placeholders the mailer fills in."""

from __future__ import annotations

import re

import pytest

from bookings.appointments.emails import KEYS, LANGUAGES, EmailKind, template_name
from tools import template

TEMPLATES = {
    template.evaluate(body["Properties"]["Template"]["TemplateName"]): body["Properties"]["Template"]
    for body in template.resources("AWS::SES::Template").values()
}
PLACEHOLDER = re.compile(r"{{\s*([^}]*?)\s*}}")
STACK = "colmena"


def test_every_kind_of_appointment_email_has_a_template_in_every_language_the_mailer_chooses() -> None:
    expected = {template_name(STACK, kind, language) for kind in EmailKind for language in LANGUAGES}

    assert expected <= set(TEMPLATES)


@pytest.mark.parametrize(("kind", "language"), [(kind, language) for kind in EmailKind for language in LANGUAGES])
def test_a_template_uses_only_flat_placeholders_its_kind_fills_in(kind: EmailKind, language: str) -> None:
    parts = TEMPLATES[template_name(STACK, kind, language)]

    used = {key for part in ("SubjectPart", "TextPart", "HtmlPart") for key in PLACEHOLDER.findall(parts[part])}

    assert used <= KEYS[kind], f"unknown or nested placeholders: {used - KEYS[kind]}"
    assert {"date", "time", "service_name"} <= used
