from django.urls import include, path

from core.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("frontend.urls")),
]
