"""The waiting list of a full session: offers of places that come free, in queue order."""
