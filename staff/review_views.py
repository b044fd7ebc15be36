from django.http import Http404


def portfolio_queue(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def portfolio_assign(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def portfolio_auto_assign(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def assignment_withdraw(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def decision_list(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def decision_detail(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def decision_release(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
