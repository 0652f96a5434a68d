"""The project templates bspos ships (a new client's onboarding, a server refresh), as data: the migration that
installs them and the demo both use `ship_templates`, which leaves templates already there as they are."""


def task(name, hours, days, depends_on=()):
    return {"name": name, "estimate_hours": hours, "due_after_days": days, "depends_on": list(depends_on)}


ONBOARDING = {
    "phases": [
        {"name": "Discovery", "tasks": [
            task("Kick-off meeting with the client", 1.5, 2),
            task("Collect admin credentials into the vault", 2, 5),
            task("Document the network, sites and line-of-business apps", 6, 10),
            task("Inventory devices and licences", 4, 10),
        ]},
        {"name": "Stabilise", "tasks": [
            task("Deploy the RMM agent to every device", 4, 15, ["Inventory devices and licences"]),
            task("Set up backups and test a restore", 6, 20, ["Deploy the RMM agent to every device"]),
            task("Apply the security baseline (MFA, patching, EDR)", 8, 25,
                 ["Deploy the RMM agent to every device"]),
        ]},
        {"name": "Hand over", "tasks": [
            task("Train the staff on how to ask for help", 2, 28),
            task("Onboarding review with the client", 1.5, 30,
                 ["Set up backups and test a restore", "Apply the security baseline (MFA, patching, EDR)"]),
        ]},
    ],
    "milestones": [
        {"name": "Environment documented", "due_after_days": 10, "share": 30},
        {"name": "Managed and secured", "due_after_days": 25, "share": 50},
        {"name": "Onboarding signed off", "due_after_days": 30, "share": 20},
    ],
}

SERVER_REFRESH = {
    "phases": [
        {"name": "Plan", "tasks": [
            task("Assess the current server and its roles", 3, 5),
            task("Size and quote the new hardware", 2, 7, ["Assess the current server and its roles"]),
            task("Agree the cut-over window with the client", 1, 10),
        ]},
        {"name": "Build", "tasks": [
            task("Rack, install and patch the new server", 6, 20, ["Size and quote the new hardware"]),
            task("Configure roles, storage and backups", 6, 24, ["Rack, install and patch the new server"]),
        ]},
        {"name": "Migrate", "tasks": [
            task("Migrate data, shares and applications", 10, 28, ["Configure roles, storage and backups"]),
            task("Cut over and test with the users", 4, 30, ["Migrate data, shares and applications",
                                                             "Agree the cut-over window with the client"]),
            task("Decommission and wipe the old server", 2, 40, ["Cut over and test with the users"]),
        ]},
    ],
    "milestones": [
        {"name": "Hardware ordered", "due_after_days": 10, "share": 40},
        {"name": "Cut-over done", "due_after_days": 30, "share": 50},
        {"name": "Old server decommissioned", "due_after_days": 40, "share": 10},
    ],
}


def ship_templates(template_model) -> None:
    """Create the shipped templates that are missing (`template_model`: the model, or the migration's historic one)."""
    template_model.objects.get_or_create(name="New client onboarding", defaults={
        "description": "From the kick-off to a managed, documented and secured client in thirty days.",
        "billing": "fixed_fee", "structure": ONBOARDING})
    template_model.objects.get_or_create(name="Server refresh", defaults={
        "description": "Replace a server: plan, build, migrate, decommission the old one.",
        "billing": "fixed_fee", "structure": SERVER_REFRESH})
