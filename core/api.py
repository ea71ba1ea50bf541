from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(title="Kith API", version="1", urls_namespace="api", auth=django_auth)
