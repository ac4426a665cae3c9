"""Cascaded CPD: programmes (a trust-wide course cascaded into schools), each school's
sprint of sessions for its own staff, and the central team's QA notes on them."""
