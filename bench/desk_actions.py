"""The technician's core job on the demo, counted in user actions and timed on the server.

The job: from the queue, open a ticket, reply to the client, log 30 minutes and resolve it. Each user action
(a click on a link or button, a choice in a select that does something, a form submit) is replayed as the request(s)
the page sends for it, through Django's full request stack in-process, following redirects as a browser does; the
script reads the forms off the rendered page, so it measures what the page offers. Prints the actions, the requests
and the server time per action and in total against the aims (≤ 3 actions, ≤ 1.5 s of server time).

Usage: python bench/desk_actions.py [--clients 20] [--rounds 5]
On an empty database (BSPOS_DATA_DIR, or DATABASE_URL) it migrates and loads a small demo first; on a loaded one
(after bench/demo_scale.py, as make bench runs it) it uses that.
"""

import argparse
import os
import re
import statistics
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bspos.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bspos.demo.services import DemoSize, load_demo  # noqa: E402
from bspos.people.models import User  # noqa: E402
from bspos.servicedesk.models import OPEN_STATUSES, Status, Ticket  # noqa: E402

AIM_ACTIONS = 3
AIM_SECONDS = 1.5
settings.ALLOWED_HOSTS = ["testserver", "localhost"]


class Journey:
    """A browser stand-in: sends the requests of each user action and adds up the server time they take."""

    def __init__(self, browser: Client) -> None:
        self.browser = browser
        self.actions: list[tuple[str, int, float]] = []  # (action, requests, seconds)

    def act(self, name: str, method: str, url: str, data: dict | None = None) -> str:
        requests, seconds = 0, 0.0
        while True:
            started = time.perf_counter()
            response = self.browser.post(url, data) if method == "post" else self.browser.get(url)
            seconds += time.perf_counter() - started
            requests += 1
            if response.status_code not in (301, 302, 303):
                break
            method, url, data = "get", response["Location"], None
        assert response.status_code == 200, (name, url, response.status_code)
        self.actions.append((name, requests, seconds))
        return response.content.decode()


def form_action(page: str, marker: str) -> str:
    """The action URL of the page's form whose opening tag or body contains `marker`."""
    for match in re.finditer(r"<form\b[^>]*>.*?</form>", page, re.S):
        if marker in match.group(0):
            action = re.search(r'(?:action|hx-post)="([^"]+)"', match.group(0))
            if action:
                return action.group(1)
    raise AssertionError(f"the page has no form with {marker!r}")


def core_job(journey: Journey, ticket: Ticket) -> None:
    queue = journey.act("load the queue", "get", f"/desk/tickets/?q={ticket.number}")
    assert f"/desk/tickets/{ticket.number}/" in queue
    page = journey.act("click the ticket in the queue", "get", f"/desk/tickets/{ticket.number}/")
    composer = form_action(page, 'name="body"')
    if 'name="status"' in re.search(r"<form\b[^>]*" + re.escape(composer) + r".*?</form>", page, re.S).group(0):
        # One composer: choose "resolve" in its status select, then submit reply + time + resolution together.
        journey.actions.append(("choose “resolve” in the composer", 0, 0.0))
        journey.act("submit the composer", "post", composer, {
            "body": "Replaced the HDMI cable; please try again.", "kind": "reply", "minutes": "30",
            "billable": "on", "status": Status.RESOLVED, "resolution": "Faulty HDMI cable replaced."})
        return
    # Separate forms: reply, log time, then pick the status and press its button.
    journey.act("send the reply", "post", composer, {"body": "Replaced the HDMI cable; please try again."})
    journey.act("log 30 minutes", "post", form_action(page, 'name="minutes"'), {"minutes": "30", "billable": "on"})
    journey.actions.append(("choose “resolved” in the status box", 0, 0.0))
    journey.act("press Change", "post", form_action(page, 'aria-label="New status"'), {"status": Status.RESOLVED})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="tickets worked (the figures are medians)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not User.objects.exists():
        load_demo(DemoSize(clients=args.clients, months=3, seed=7, today=date.today()))
    print(f"database: {connection.vendor}; {Ticket.objects.count():,} tickets")
    browser = Client()
    technician = User.objects.get(username="tech1")
    browser.force_login(technician)
    tickets = list(Ticket.objects.filter(status__in=OPEN_STATUSES).order_by("number")[:args.rounds + 1])
    core_job(Journey(browser), tickets[0])  # warm up caches and connections
    rounds = []
    for ticket in tickets[1:]:
        journey = Journey(browser)
        core_job(journey, ticket)
        ticket.refresh_from_db()
        assert ticket.status == Status.RESOLVED and ticket.time_entries.filter(minutes=30).exists()
        rounds.append(journey)
    last = rounds[-1]
    for name, requests, seconds in last.actions:
        print(f"  {name:<40} {requests} request(s) {seconds * 1000:7.1f} ms")
    # Loading the queue is where the job starts, not an action of it.
    actions = len(last.actions) - 1
    total = statistics.median(sum(seconds for _, _, seconds in journey.actions) for journey in rounds)
    requests = sum(requests for _, requests, _ in last.actions)
    print(f"core job: {actions} actions (aim ≤ {AIM_ACTIONS}), {requests} requests, server time {total:.3f} s "
          f"median of {len(rounds)} (aim ≤ {AIM_SECONDS} s; ratio {total / AIM_SECONDS:.2f})")


if __name__ == "__main__":
    main()
