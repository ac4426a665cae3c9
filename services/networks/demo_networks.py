"""The trust's subject networks, seeded with fixed ids (the gateway's demo grants name
network 1, the maths network)."""

NETWORKS = [
    {"id": 1, "name": "Maths network", "subject": "Maths", "meetings_per_year": 3},
    {"id": 2, "name": "English network", "subject": "English", "meetings_per_year": 3},
    {"id": 3, "name": "History network", "subject": "History", "meetings_per_year": 3},
    {"id": 4, "name": "Geography network", "subject": "Geography", "meetings_per_year": 3},
    {"id": 5, "name": "RE network", "subject": "RE", "meetings_per_year": 3},
    {"id": 6, "name": "Science network", "subject": "Science", "meetings_per_year": 3},
    {"id": 7, "name": "SEND network", "subject": "SEND", "meetings_per_year": 3},
    {"id": 8, "name": "DHT/AHT network", "subject": "Leadership", "meetings_per_year": 6},
    {"id": 9, "name": "ECF mentors and induction tutors", "subject": "Induction", "meetings_per_year": 3},
    {"id": 10, "name": "Governors network", "subject": "Governance", "meetings_per_year": 2},
    {"id": 11, "name": "Early Years network", "subject": "Early Years", "meetings_per_year": 3},
    {"id": 12, "name": "Computing network", "subject": "Computing", "meetings_per_year": 3},
    {"id": 13, "name": "PE network", "subject": "PE", "meetings_per_year": 3},
]
