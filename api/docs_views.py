"""Swagger UI and Redoc from the portal's own static files (the sidecar package), no CDN.

Both pages keep script-src 'self' (the Swagger set-up script is served separately); their
libraries set styles at run time, so only these two pages allow inline styles, and Redoc
runs its search in a blob: worker.
"""

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

DOCS_CSP = {"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}


@method_decorator(csp_update(DOCS_CSP), name="dispatch")
class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"


@method_decorator(csp_update(DOCS_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
