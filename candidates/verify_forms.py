"""The public certificate check: number and verification code, as printed."""

import re

from django import forms

# Codes may be printed in groups for reading aloud; spaces and dashes between them are
# dropped (neither is in the code alphabet).
_SEPARATORS = re.compile(r"[\s\-]+")


def normalise_code(code: str) -> str:
    """ "abcd efgh-jkmn pqrs" → "ABCDEFGHJKMNPQRS"."""
    return _SEPARATORS.sub("", code).upper()


class VerifyForm(forms.Form):
    number = forms.CharField(
        label="Certificate number",
        max_length=30,
        help_text="Printed on the certificate and under its QR code, for example LSSC-2026-00042.",
    )
    code = forms.CharField(
        label="Verification code",
        max_length=60,
        help_text=(
            "The 16 letters and digits printed on the certificate and under its QR code. "
            "Spaces and small letters are fine."
        ),
    )

    def clean_number(self) -> str:
        return "".join(self.cleaned_data["number"].split()).upper()

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code.isalnum() or not code.isascii():
            raise forms.ValidationError(
                "A verification code has only letters and digits. Check it against the certificate."
            )
        return code
