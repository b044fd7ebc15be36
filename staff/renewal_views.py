from django.http import Http404


def renewal_list(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def renewal_detail(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def renewal_approve(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def renewal_request_changes(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def renewal_evidence(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
