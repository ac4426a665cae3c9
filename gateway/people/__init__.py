"""People and roles: accounts, schools and role grants, the gateway's own data
(gateway/identity).  graph.py: their types, `me`, `schools`, `school`, `people`,
`grantRole`, `revokeRole`, and who may see whose email, roles and staff; pages.py:
the home page and the admins' people page."""
