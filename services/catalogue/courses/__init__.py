"""Courses: what Lighthouse Learning offers, searchable by anyone allowed to see it."""
