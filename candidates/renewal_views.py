from django.http import Http404


def renewal(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def ce_remove(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def ce_evidence(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def renewal_submit(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
