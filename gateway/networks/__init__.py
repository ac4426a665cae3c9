"""Networks and meetings, stored by the networks service: networks and their members,
meetings with their answers, minutes and actions, the year's proposed dates, and the
academic calendar."""
