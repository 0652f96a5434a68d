from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader

from bspos.core.permissions import Can, can


def health(request: HttpRequest) -> JsonResponse:
    """Liveness for a process supervisor or the container's HEALTHCHECK: 200 when the app answers and the database
    does too; 503 when the database cannot be queried (down, unreachable, refusing the credentials)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Staff land on the desk dashboard, client contacts on their company's tickets."""
    if can(request.user, Can.DESK_READ):
        return redirect("servicedesk:dashboard")
    if can(request.user, Can.PORTAL):
        return redirect("portal:tickets")
    return render(request, "core/no_access.html", status=403)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    """403: the API's JSON under /api/, else the page in the layout saying why, with a way back."""
    if _is_api(request):
        return JsonResponse({"detail": str(exception or "") or "Not allowed."}, status=403)
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404 for an address no URL matches (or a row this user may not see): JSON under /api/, the page otherwise."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: rendered without the request's context (its processors may be what failed), never with a trace."""
    if _is_api(request):
        return JsonResponse({"detail": "Something went wrong on our side; it has been logged."}, status=500)
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
