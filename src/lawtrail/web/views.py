from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def portal(request):
    """公众门户首页."""
    return render(request, "web/portal.html")


@login_required
def home(request):
    """后台工作台."""
    return render(request, "web/home.html")
