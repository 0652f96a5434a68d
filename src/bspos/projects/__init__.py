"""Projects per client: phases, tasks, milestones, budgets, templates and project billing."""
