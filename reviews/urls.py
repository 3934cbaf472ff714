from django.urls import path

from . import views
from .annual import views as annual
from .improvement.urls import urlpatterns as improvement_urls
from .ratings import urls as ratings_urls

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
    # year-end appraisal (reviews/annual)
    path("annual/mine/", annual.mine, name="annual-mine"),
    path("annual/a/<int:pk>/", annual.detail, name="annual-detail"),
    path("annual/a/<int:pk>/summary/", annual.summary, name="annual-summary"),
    path("annual/a/<int:pk>/review/", annual.review, name="annual-review"),
    path("annual/a/<int:pk>/override/", annual.override, name="annual-override"),
    path("annual/a/<int:pk>/opinion/", annual.opinion, name="annual-opinion"),
    path("annual/a/<int:pk>/contest/", annual.contest, name="annual-contest"),
    path("annual/a/<int:pk>/notice/", annual.notice, name="annual-notice"),
    path("annual/units/<int:unit_pk>/<year:year>/decide/", annual.decide, name="annual-decide"),
    path("annual/units/rates/<int:pk>/", annual.unit_rate, name="annual-rate"),
    path("annual/regions/<int:region_pk>/<year:year>/", annual.year_admin, name="annual-year"),
    path("annual/regions/<int:region_pk>/<year:year>/open/", annual.open_year, name="annual-open"),
    path(
        "annual/regions/<int:region_pk>/<year:year>/leadership/",
        annual.leadership,
        name="annual-leadership",
    ),
    path("annual/contests/", annual.contest_list, name="annual-contests"),
    path("annual/contests/<int:pk>/", annual.contest_detail, name="annual-contest-detail"),
    *improvement_urls,  # 不足提醒 and 导师帮带
]
urlpatterns += ratings_urls.urlpatterns  # 互评 and 群众点评 (reviews/ratings/)
