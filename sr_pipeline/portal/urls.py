"""The portal's addresses: the pages, and the JSON API under /api/v1/."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from sr_pipeline.portal import api, views

_pages = [
    path("", RedirectView.as_view(pattern_name="portal:checks"), name="home"),
    path("login/", views.SignIn.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/login/"), name="logout"),
    path("checks/", views.checks, name="checks"),
    path("checks/<uuid:check_id>/", views.check, name="check"),
    path("checks/<uuid:check_id>/feedback.xlsx", views.feedback, name="feedback"),
    path("checks/<uuid:check_id>/send", views.send, name="send"),
    path("api/v1/checks", api.checks, name="api_checks"),
    path("api/v1/checks/<str:check_id>", api.check, name="api_check"),
    path("api/v1/checks/<str:check_id>/feedback.xlsx", api.feedback, name="api_feedback"),
    path("api/v1/checks/<str:check_id>/submit", api.submit, name="api_submit"),
]

urlpatterns = [path("", include((_pages, "portal")))]
