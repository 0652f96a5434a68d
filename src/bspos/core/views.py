from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from bspos.core.permissions import Can, can


def health(request: HttpRequest) -> JsonResponse:
    """Liveness for a process supervisor: the app answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Staff land on the desk dashboard, client contacts on their company's tickets."""
    if can(request.user, Can.DESK_READ):
        return redirect("servicedesk:dashboard")
    if can(request.user, Can.PORTAL):
        return redirect("portal:tickets")
    return render(request, "core/no_access.html", status=403)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404 for an address no URL matches: the API's JSON `Problem` under /api/, the page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
