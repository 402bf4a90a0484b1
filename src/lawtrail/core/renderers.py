"""Renderers of the API (settings ``DEFAULT_RENDERER_CLASSES``)."""

from rest_framework.renderers import BrowsableAPIRenderer


class ReadingBrowsableAPIRenderer(BrowsableAPIRenderer):
    """DRF's browsable API for reading: the response as a page, without the generated forms (the
    views are thin and their serializers are per method, which the stock forms assume are not);
    writes are documented at /api/docs/. No endpoint opened in a browser answers 500 (issue 8)."""

    def show_form_for_method(self, view, method, request, obj):
        return False

    def get_rendered_html_form(self, data, view, method, request):
        return None

    def get_raw_data_form(self, data, view, method, request):
        return None

    def get_filter_form(self, data, view, request):
        return None
