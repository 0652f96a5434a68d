"""Sample knowledge for the demo MSP: SOPs, runbooks and KB articles (a few with several versions), articles
attached to tickets, CESI problem records, and checklist runs including technician onboardings. A fixed amount
of work whatever the demo's size."""

from datetime import datetime, timedelta

from bspos.knowledge import services
from bspos.knowledge.models import ArticleTicket, ChecklistKind, ChecklistTemplate
from bspos.servicedesk.models import Ticket

ARTICLES = [
    ("sop", "printing", "Printer jams and offline printers",
     "## Steps\n\n1. Check the queue on the print server and clear stuck jobs.\n2. Power-cycle the printer.\n"
     "3. Re-add the printer with the **current** driver package.\n\nEscalate to tier 2 after 20 minutes."),
    ("runbook", "backup", "Backup job failed: restore check",
     "## When a backup job fails\n\n- Read the job log in the backup console.\n- Re-run the job once.\n"
     "- If it fails twice, open a P2 ticket and test a file restore from the last good point."),
    ("kb", "email", "Outlook keeps crashing: repair the profile",
     "1. Close Outlook.\n2. Control Panel → Mail → Show profiles → Add a new profile.\n"
     "3. Set it as default and start Outlook. The OST file rebuilds on first start."),
    ("sop", "access", "Password reset and MFA re-enrolment",
     "Verify the caller with the **callback number** on file, never the number they call from.\n\n"
     "1. Reset the password in the directory.\n2. Require MFA re-registration.\n3. Note the ticket number."),
    ("sop", "security", "Suspicious email reported by a user",
     "1. Ask for the message as an attachment.\n2. Check sender, links and headers.\n"
     "3. Purge matching messages tenant-wide.\n4. Reply to the user: thank them for reporting."),
    ("runbook", "network", "VPN drops every hour",
     "The usual cause is a rekey lifetime mismatch between the firewall and the client profile.\n\n"
     "- Compare phase 2 lifetimes.\n- Push the corrected profile."),
    ("kb", "hardware", "Laptop will not power on",
     "1. Try another charger.\n2. Hold power for 30 seconds with the battery out.\n"
     "3. Check warranty in the asset record before sending it for repair."),
    ("kb", "software", "Teams audio not working",
     "Check the selected device in Teams settings, then the Windows sound settings; update the headset firmware."),
]


def load_sample(*, clients: list, staff: dict, now: datetime) -> None:
    services.install_built_in_templates()
    manager, author = staff["manager"], staff.get("tech1", staff["manager"])
    articles = []
    for index, (kind, category, title, body) in enumerate(ARTICLES):
        article = services.save_article(by=author, title=title, body=body.split("\n\n")[0], kind=kind,
                                        category=category, published=kind == "kb",
                                        review_on=(now - timedelta(days=10 if index % 4 == 0 else -120)).date())
        article = services.save_article(by=manager, article=article, body=body, summary="Full steps")
        articles.append(article)
    active = [c for c in clients if c.status == "active"][:3]
    for client in active:
        services.save_article(by=author, title=f"{client.name}: network and vendor contacts", kind="runbook",
                              category="network", client=client, published=True,
                              body=f"# {client.name}\n\n- Internet: see the vendor portal\n- Firewall: main office\n")
    links = []
    for article in articles:
        numbers = Ticket.objects.filter(category=article.category).order_by("-number").values_list("pk", flat=True)[:5]
        links += [ArticleTicket(article=article, ticket_id=pk, linked_by=author) for pk in numbers]
    ArticleTicket.objects.bulk_create(links, ignore_conflicts=True)

    printing = list(Ticket.objects.filter(category="printing").order_by("-number")[:4])
    if printing:
        client = printing[0].client
        problem = services.save_problem(
            by=manager, title="Printers drop offline after driver updates", client=client, category="printing",
            clarify="Not the printers: the print server pushes a new driver that the old models reject.",
            explore="Driver isolation; pinning the driver version; replacing the oldest printers.",
            solve="Pinned the driver package on a test queue for a week: no drop.",
            implement="Driver pinned on every queue; monthly maintenance checks it.",
            implement_article=articles[0])
        services.link_tickets(problem=problem, tickets=[t for t in printing if t.client_id == client.pk])
        services.close_problem(problem=problem, by=manager)
    services.save_problem(by=manager, title="Backups fail on Monday nights", category="backup",
                          clarify="Jobs overlap the weekly full; storage fills.",
                          explore="Move the full to Saturday; add storage; shorten retention.")

    templates = {t.kind: t for t in ChecklistTemplate.objects.filter(active=True)}
    technicians = [u for name, u in sorted(staff.items()) if name.startswith("tech")][:4]
    for person, (began, days) in zip(technicians, [(120, 9), (80, 12), (45, 17), (6, None)], strict=False):
        run = services.start_run(template=templates[ChecklistKind.TECH_ONBOARDING], person=person, by=manager,
                                 started_at=now - timedelta(days=began), assignee=manager)
        items = list(run.items.all())
        for number, item in enumerate(items):
            if days is None and number >= 2:
                break
            step = (days or began) * (number + 1) / len(items)
            services.update_item(item=item, by=manager, done=True, at=run.started_at + timedelta(days=step))
    for client in active:
        services.start_run(template=templates[ChecklistKind.MONTHLY_MAINTENANCE], client=client, by=manager,
                           started_at=now - timedelta(days=3), assignee=author)
    if active:
        services.start_run(template=templates[ChecklistKind.CLIENT_ONBOARDING], client=active[-1], by=manager,
                           started_at=now - timedelta(days=8), assignee=manager)
