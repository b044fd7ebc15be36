from django.http import HttpResponse


def apply_start(request):  # replaced by the application pages
    return HttpResponse("")


def invoice(request):  # replaced by the invoice page
    return HttpResponse("")
