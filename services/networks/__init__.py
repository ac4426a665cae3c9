"""Networks service: subject networks, the academic calendar, meetings, minutes and actions."""
