"""The gateway: single sign-on, identity and roles, the GraphQL API and the web pages.

It owns people, schools, organisations and role grants, and talks to the services
over HTTP only, with a short-lived service token per call.

One folder per feature, each holding its GraphQL types and resolvers, its pages
(`*pages.py`, one blueprint each) and their templates (`templates/<feature>/`):

    people/         people, schools, role grants      the gateway's own tables (identity/)
    catalogue/      courses                           the catalogue service
    sessions/       sessions, bookings, CPD records   the bookings service
    networks/       networks, members, meetings, the year's proposed dates, the academic calendar
                                                      the networks service
    calendar_feed/  a person's private calendar       the bookings and networks services
    cascade/        cascaded CPD: programmes, sprints, QA notes, each school's stage and risk band
                                                      all three services, and the gateway's bands
    media/          video uploads (tus) and signed playback, streamed through, never held
                                                      the catalogue service
    videos/         the video library: videos, consent, watching, the library's pages; the
                    minutes of videos watched in a CPD record (cpd.py)
                                                      the catalogue service

A field is resolved in the module that defines its type, or, where another feature
adds it to that type (`Course.sessions`), in that feature's `Extension`; schema.py
lists every feature's part.  The features share nothing but:

    graph/          reaching the services (context.py), batch loaders, the mutation helper,
                    the shared shapes, ids, the limits, executing a query, POST /graphql
    web/            forms, what pages share, template filters, probes and the dev mailbox
    identity/       the gateway's tables and the operations on them
    templates/      the layout, the error page and the form macros (static/: the stylesheet)

and app.py (the factory), auth.py (sign-in), backends.py (HTTP to the services).  A new
feature (the cascade, say) is a new folder: its parts listed in schema.py,
its blueprints in app.py, its package in the import-linter contracts (pyproject.toml).
"""
