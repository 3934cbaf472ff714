from django.urls import path

from . import views
from .improvement.urls import urlpatterns as improvement_urls

app_name = "reviews"

urlpatterns = [
    path("mine/", views.my_quarters, name="my-quarters"),
    path("q/<int:pk>/", views.assessment_detail, name="detail"),
    path("q/<int:pk>/summary/", views.summary_save, name="summary"),
    path("q/<int:pk>/review/", views.review, name="review"),
    path("q/<int:pk>/opinion/", views.opinion, name="opinion"),
    path("q/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("queue/", views.queue, name="queue"),
    path("queue/bulk/", views.queue_bulk, name="queue-bulk"),
    path("units/<int:unit_pk>/<str:quarter>/decide/", views.decide, name="decide"),
    path("units/<int:unit_pk>/<str:quarter>/publish/", views.publish, name="publish"),
    path("units/<int:unit_pk>/<str:quarter>/publicity/", views.publicity, name="publicity"),
    path("appeals/", views.appeal_list, name="appeal-list"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal-detail"),
    path("quarters/", views.quarter_admin, name="quarter-admin"),
    path("quarters/open/", views.quarter_open_now, name="quarter-open"),
    path("reminders/<int:pk>/read/", views.reminder_read, name="reminder-read"),
    *improvement_urls,  # 不足提醒 and 导师帮带
]
