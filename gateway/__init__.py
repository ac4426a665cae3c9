"""The gateway: single sign-on, identity and roles, the GraphQL API and the web pages.

It owns people, schools, organisations and role grants, and talks to the services
over HTTP only, with a short-lived service token per call.
"""
