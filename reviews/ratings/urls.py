from django.urls import path

from . import views

# included into reviews/urls.py (namespace "reviews")
urlpatterns = [
    path("peer/", views.peer_home, name="peer-home"),
    path("peer/manage/", views.peer_rounds, name="peer-rounds"),
    path("peer/manage/<int:unit_pk>/new/", views.peer_round_new, name="peer-round-new"),
    path("peer/<int:pk>/", views.peer_round, name="peer-round"),
    path("peer/<int:pk>/close/", views.peer_round_close, name="peer-round-close"),
    path("peer/<int:pk>/vote/", views.peer_vote, name="peer-vote"),
    path("peer/<int:pk>/results/", views.peer_results, name="peer-results"),
    path("peer/<int:pk>/mine/", views.peer_mine, name="peer-mine"),
    path("public/", views.public_units, name="public-units"),
    path("public/units/<int:unit_pk>/", views.public_unit, name="public-unit"),
    path("public/units/<int:unit_pk>/cards.pdf", views.public_cards_pdf, name="public-cards-pdf"),
    path(
        "public/cards/<int:pk>/<str:action>/",
        views.public_card_action,
        name="public-card-action",
    ),
    path("public/ratings/<int:pk>/hide/", views.public_rating_hide, name="public-rating-hide"),
    path("public/ratings/<int:pk>/held/", views.public_rating_held, name="public-rating-held"),
    path("public/cases/", views.rating_cases, name="rating-cases"),
    path("public/cases/<int:pk>/", views.rating_case, name="rating-case"),
]
