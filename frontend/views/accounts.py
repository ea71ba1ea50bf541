from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse

from core.realtime import session_ended


class SignOutView(LogoutView):
    """Signing out also closes every live page opened under this session."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        session_key = request.session.session_key
        response = super().post(request, *args, **kwargs)
        if session_key:
            session_ended(session_key=session_key)
        return response
