from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from assessment import views as assessment_views
from assessment.admin import admin_site
from assessment.converters import YearConverter

from .views import favicon, healthz, readyz

handler500 = "config.resilience.server_error"

register_converter(YearConverter, "year")

urlpatterns = [
    path("", assessment_views.home, name="home"),
    path("login/", assessment_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        assessment_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("healthz/", healthz, name="healthz"),
    path("readyz/", readyz, name="readyz"),
    # browsers ask for /favicon.ico on pages that name no icon (downloads, plain errors)
    path("favicon.ico", favicon),
    path("admin/", admin_site.urls),
    path("", include("assessment.urls")),
    path("", include("assessment.work.urls")),
    path("", include("assessment.roster.urls")),
    path("tasks/", include("assessment.keytasks.urls")),
    path("indicators/", include("indicators.urls")),
    path("reviews/", include("reviews.urls")),
    path("rewards/", include("rewards.urls")),
    path("archive/", include("archive.urls")),
    path("r/", include("reviews.ratings.public_urls")),  # public rating: no login
    path("notifications/", include("notifications.urls")),
    path("", include("api.urls")),
]
