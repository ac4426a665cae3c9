"""The calendar feed: one private address per person, answered from the bookings and
networks services' calendars."""
