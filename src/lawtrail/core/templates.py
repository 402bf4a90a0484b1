"""Template loading with Content-Security-Policy nonces.

``NonceLoader`` is Django's app-directories loader that writes
``nonce="{{ request.csp_nonce }}"`` into every ``<script`` tag of a template's *source*.
Only what a developer wrote in a template file gets the nonce: text rendered into a page
is escaped and, even if it held a script tag, would carry no nonce, so the policy
(``script-src 'self' 'nonce-…'``) blocks it. Templates keep plain ``<script>`` tags.
"""

from __future__ import annotations

import re

from django.template.loaders.app_directories import Loader as AppDirectoriesLoader

_SCRIPT = re.compile(r"<script(?![^>]*\bnonce=)(?=[\s>])", re.IGNORECASE)
NONCE_ATTR = ' nonce="{{ request.csp_nonce }}"'


def add_nonces(source: str) -> str:
    return _SCRIPT.sub(lambda m: m.group(0) + NONCE_ATTR, source)


class NonceLoader(AppDirectoriesLoader):
    def get_contents(self, origin):
        return add_nonces(super().get_contents(origin))
