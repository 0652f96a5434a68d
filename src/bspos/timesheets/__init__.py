"""Time sheets and their approval (my week, submit, approve)."""
