from django.urls import path

from . import views

urlpatterns = [
    path("deficiencies/", views.deficiency_list, name="deficiency-list"),
    path("deficiencies/new/", views.deficiency_new, name="deficiency-new"),
    path("deficiencies/stats/", views.deficiency_stats, name="deficiency-stats"),
    path("deficiencies/<int:pk>/", views.deficiency_detail, name="deficiency-detail"),
    path("deficiencies/<int:pk>/act/", views.deficiency_act, name="deficiency-act"),
    path("mentoring/", views.mentoring_list, name="mentoring-list"),
    path("mentoring/<int:pk>/", views.mentoring_detail, name="mentoring-detail"),
    path("mentoring/<int:pk>/act/", views.mentoring_act, name="mentoring-act"),
]
