from django.urls import include, path

from core import health, metrics
from core.api import api

urlpatterns = [
    # For load balancers and process managers: no session, no care data (core/health.py).
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    path("metrics", metrics.metrics, name="metrics"),
    path("api/v1/", api.urls),
    path("", include("frontend.urls")),
]
