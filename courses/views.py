from django.shortcuts import render

from courses.selectors import providers_of_user
from lssc.accounts.permissions import provider_required


@provider_required
def provider_home(request):
    """A provider member's home: each organisation they belong to and its members."""
    return render(
        request,
        "courses/provider_home.html",
        {"providers": list(providers_of_user(request.user))},
    )
