"""Meetings of a network: scheduling with invitations, RSVPs, minutes, actions and their reminders."""
