"""The course catalogue, stored by the catalogue service.  graph.py: Course,
`courses`, `course`, `courseSubjects`, `saveCourse`, and courses by id for other
features' fields; pages.py: the course list and its filters, a course, the admins'
course form."""
