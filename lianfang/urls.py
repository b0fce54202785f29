from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from lianfang.core.accounts.admin_site import admin_site
from lianfang.core.accounts.views import home


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico where a page names no icon (the admin site, the API's docs)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    # First: every API call resolves its path, and the API is where the traffic is.
    path("api/v1/", include(("lianfang.api_urls", "api"), namespace="api")),
    path("", home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/", include("lianfang.core.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin_site.urls),
    path("registry/people/", include("lianfang.core.people.urls")),
    path("registry/units/", include("lianfang.core.units.urls")),
    path("registry/ledgers/", include("lianfang.core.ledgers.urls")),
    path("notices/", include("lianfang.core.notices.urls")),
    path("notifications/", include("lianfang.core.notices.notification_urls")),
    path("cases/", include("lianfang.core.cases.urls")),
    path("volunteers/", include("lianfang.volunteers.urls")),
    path("enterprises/", include("lianfang.enterprises.urls")),
    path("schools/", include("lianfang.schools.urls")),
    path("markets/", include("lianfang.markets.urls")),
    path("care/", include("lianfang.care.urls")),
    path("command/", include("lianfang.command.urls")),
    path("audit/", include("lianfang.core.audit.urls")),
    path("calendar/", include("lianfang.core.calendar.urls")),
    path("duties/", include("lianfang.core.duties.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]

handler403 = "lianfang.core.accounts.views.denied"
handler400 = "lianfang.core.error_pages.bad_request"
handler404 = "lianfang.core.error_pages.not_found"
handler500 = "lianfang.core.error_pages.server_error"
