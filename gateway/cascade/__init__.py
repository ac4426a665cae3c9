"""Cascaded CPD: a trust-wide session → the network's follow-up meetings → each school's
sprint → the central team's quality-assurance notes, assembled from the three services.

    programmes.py   programmes (catalogue), their sessions, meetings, sprints; Meeting.programme
    sprints.py      schools' sprints and their sessions (catalogue); the school-day check (networks)
    notes.py        QA notes and their revisions (catalogue)
    coverage.py     each school's stage in a programme, from all three services; School.cascade(s)
    stages.py       the reckoning of stages, gaps and the risk order (no I/O)
    bands.py        schools' risk bands (the gateway's own: gateway/identity/risk.py); School.supportBand
    graph.py        the feature's root fields and extensions, for gateway/schema.py
    pages.py …      the pages and their templates (templates/cascade/)
"""
