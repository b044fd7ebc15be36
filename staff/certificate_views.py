from django.http import Http404


def certificate_list(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def certificate_issue(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def certificate_detail(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def certificate_suspend(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def certificate_reinstate(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def certificate_revoke(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
