"""A request counter per client address in the cache, for public pages that look something
up (certificate verification), so nobody can walk through codes by brute force.

Fixed windows aligned to the clock: the count for a window lives in one cache key that
expires with the window. `cache.add` creates the key only if it is missing and
`cache.incr` is atomic in Redis and in the in-process cache, so concurrent requests from
several workers never lose a hit. The cache is `django.core.cache.cache` (in-process by
default, Redis with CACHE_URL; with several processes only Redis counts across them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter as get_account_adapter
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


def parse_rate(value: str, *, setting: str = "rate") -> Rate:
    """ "20/600" → 20 requests per 600 seconds. Raises ImproperlyConfigured naming
    `setting` for anything else."""
    try:
        limit, period = (int(part) for part in value.split("/"))
    except ValueError:
        limit = period = 0
    if limit < 1 or period < 1:
        raise ImproperlyConfigured(
            f"{setting}={value!r} must be requests/seconds with both above zero, e.g. 20/600."
        )
    return Rate(limit, period)


def client_ip(request) -> str:
    """The client's address as the login rate limits see it (allauth's adapter: REMOTE_ADDR,
    or X-Forwarded-For only when ALLAUTH_TRUSTED_PROXY_COUNT says a proxy is trusted)."""
    try:
        return get_account_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return "unknown"


def hit(scope: str, key: str, rate: Rate) -> int:
    """Count one request by `key` in `scope`. Returns 0 while within the rate, otherwise
    the seconds until the window ends (for a Retry-After header). Side effect: one cache
    key per scope, key and window, expiring with the window."""
    now = int(time.time())
    window = now // rate.period
    retry_after = rate.period - now % rate.period
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=retry_after + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add and incr: a new window has begun
        cache.add(cache_key, 1, timeout=retry_after + 1)
        count = 1
    return retry_after if count > rate.limit else 0
