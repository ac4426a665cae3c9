"""Networks and meetings, stored by the networks service.  network.py: networks,
members, leads (role grants here), `RoleGrant.network`; meeting.py: meetings,
answers, minutes, actions; proposals.py: the year's dates, ranked by the service;
academic_year.py: the academic calendar; graph.py: the feature's root fields in
order.  pages.py: the networks, a network, the calendar; meeting_pages.py: planning,
the meeting form, a meeting, the one-click answer."""
