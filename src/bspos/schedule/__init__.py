"""The dispatch board: schedule entries by technician, conflicts, and iCalendar feeds."""
