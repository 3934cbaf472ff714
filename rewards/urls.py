from django.urls import path

from . import views

app_name = "rewards"

urlpatterns = [
    path("", views.record_list, name="record-list"),
    path("new/", views.record_create, name="record-create"),
    path("people/", views.person_search, name="person-search"),
    path("<int:pk>/", views.record_detail, name="record-detail"),
    path("<int:pk>/evidence/", views.record_evidence, name="record-evidence"),
]
