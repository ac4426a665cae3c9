"""The calendar feed: one private address per person (its secret is the gateway's,
gateway/identity), answered from the bookings and networks services' calendars.
graph.py: `Person.calendarFeedUrl`, `resetCalendarFeed`; pages.py: the feed."""
