"""Reading settings from the environment, strictly.

Every value the site reads from the environment goes through one of these helpers, so a
malformed value stops the site at start-up with a message that names the variable and says
what was expected, instead of being silently read as a default.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
# URL schemes that name a backend in this process rather than a server, so carry no host.
_HOSTLESS = {"sqlite", "locmemcache", "consolemail", "memorymail", "dummymail", "memory"}


class Env:
    """A view of the environment (or any mapping) with typed, validated getters."""

    def __init__(self, source: Mapping[str, str] | None = None):
        self.source = os.environ if source is None else source

    def raw(self, name: str) -> str | None:
        value = self.source.get(name)
        return None if value is None else value.strip()

    def is_set(self, name: str) -> bool:
        return bool(self.raw(name))

    def str(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        return default if value is None or value == "" else value

    def bool(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a yes/no value. Use one of: true, false, 1, 0, yes, no."
        )

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self.raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum}.")
        return number

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self.raw(name)
        if value is None or value == "":
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def url(self, name: str, default: str = "", *, schemes: tuple[str, ...]) -> str:
        value = self.str(name, default)
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme not in schemes:
            raise ImproperlyConfigured(
                f"{name}={_redact(value)!r} must start with one of: "
                + ", ".join(f"{scheme}://" for scheme in schemes)
                + "."
            )
        if parts.scheme not in _HOSTLESS and not parts.hostname:
            raise ImproperlyConfigured(f"{name}={_redact(value)!r} has no host name.")
        try:
            parts.port  # noqa: B018 - reading .port validates it
        except ValueError:
            raise ImproperlyConfigured(f"{name}={_redact(value)!r} has an invalid port.") from None
        return value

    def time_zone(self, name: str, default: str) -> str:
        value = self.str(name, default)
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ImproperlyConfigured(
                f"{name}={value!r} is not a known time zone. Use a name like America/Chicago."
            ) from None
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.str(name, default).lower()
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
        return value


def _redact(url: str) -> str:
    """The URL with any password replaced, so error messages never print secrets."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url
