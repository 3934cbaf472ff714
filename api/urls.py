from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import pages, views

app_name = "api"

urlpatterns = [
    path("api/v1/units/", views.UnitList.as_view(), name="units"),
    path("api/v1/people/", views.PersonList.as_view(), name="people"),
    path("api/v1/roster/", views.RosterSync.as_view(), name="roster"),
    path("api/v1/attendance/", views.AttendanceImport.as_view(), name="attendance"),
    path("api/v1/negative-records/", views.NegativeImport.as_view(), name="negative-records"),
    path("api/v1/results/quarterly/", views.QuarterResults.as_view(), name="quarter-results"),
    path("api/v1/rewards/", views.RewardList.as_view(), name="rewards"),
    # the contract, for people building a client (signed in)
    path("api/v1/schema/", login_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "api/v1/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("org/api-clients/", pages.client_list, name="client-list"),
    path("org/api-clients/<int:pk>/rotate/", pages.client_rotate, name="client-rotate"),
    path("org/api-clients/<int:pk>/revoke/", pages.client_revoke, name="client-revoke"),
]
