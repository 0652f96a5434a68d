"""Time sheets, their approval, and the dispatch board (schedule entries, iCalendar feeds)."""
