"""``OPTIONS`` on every API endpoint: name, description, allowed methods, media types.

DRF's default metadata introspects a view's serializer to describe its inputs and fails
on views that choose their serializer per request. The inputs of every endpoint are in
the OpenAPI schema (/api/schema/), which the answer points to.
"""

from __future__ import annotations

from rest_framework.metadata import BaseMetadata


class PlainMetadata(BaseMetadata):
    def determine_metadata(self, request, view):
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "allowed_methods": [m for m in view.allowed_methods if m != "OPTIONS"] + ["OPTIONS"],
            "renders": [r.media_type for r in view.renderer_classes],
            "parses": [p.media_type for p in view.parser_classes],
            "schema": "/api/schema/",
        }
