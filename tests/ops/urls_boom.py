"""The project's URLs plus two views that fail unexpectedly (a page and an API view), to see
what a 500 looks like. Django reads the error handlers from the root URLconf, so they are
re-exported here."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from lawtrail.urls import handler400, handler403, handler404, handler500  # noqa: F401
from lawtrail.urls import urlpatterns as project


class Boom(RuntimeError):
    pass


def page_boom(request):
    raise Boom("page failed")


class ApiBoom(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise Boom("api failed")


urlpatterns = [path("boom/", page_boom), path("api/v1/boom", ApiBoom.as_view()), *project]
