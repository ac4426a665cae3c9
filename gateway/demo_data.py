"""Fictional demo data for the embedded default: the trust's 30 schools (26 primary,
4 secondary), three schools outside the trust, and names for their staff.  URNs start
with 9 to mark them as made up."""

# (name, phase, pupils, teachers, risk band).  The first school is where the demo
# teacher, head and governor work.
_SCHOOLS = [
    ("Saltmarsh Primary School", "PRIMARY", 312, 12, "MEDIUM"),
    ("St Aidan's CE Primary School", "PRIMARY", 208, 8, "LOW"),
    ("Harbourside Primary Academy", "PRIMARY", 415, 16, "HIGH"),
    ("Fenwick Community Primary", "PRIMARY", 236, 9, "LOW"),
    ("Lowmoor Infant School", "PRIMARY", 178, 7, "LOW"),
    ("Brackenfield Primary School", "PRIMARY", 420, 17, "MEDIUM"),
    ("Kestrel Rise Primary", "PRIMARY", 262, 10, "LOW"),
    ("Thornbury Junior School", "PRIMARY", 240, 9, "MEDIUM"),
    ("Wyndham Park Primary", "PRIMARY", 630, 24, "HIGH"),
    ("Oakwell CE Primary School", "PRIMARY", 198, 8, "LOW"),
    ("Ferryhill Primary Academy", "PRIMARY", 344, 13, "MEDIUM"),
    ("Longsands Primary School", "PRIMARY", 281, 11, "LOW"),
    ("Beacon Hill Primary", "PRIMARY", 455, 18, "MEDIUM"),
    ("St Cuthbert's RC Primary", "PRIMARY", 205, 8, "LOW"),
    ("Marram Bay Primary School", "PRIMARY", 150, 6, "LOW"),
    ("Ashgrove Primary School", "PRIMARY", 372, 14, "HIGH"),
    ("Coldwell Primary Academy", "PRIMARY", 226, 9, "LOW"),
    ("Heron's Ghyll Primary", "PRIMARY", 118, 5, "MEDIUM"),
    ("Redcar Lane Primary School", "PRIMARY", 402, 16, "LOW"),
    ("Windy Nook Primary", "PRIMARY", 260, 10, "LOW"),
    ("Hollins Green Primary School", "PRIMARY", 420, 16, "MEDIUM"),
    ("Bramley Fold Church School", "PRIMARY", 98, 5, "LOW"),
    ("Kirkby Moorside Village School", "PRIMARY", 72, 4, "MEDIUM"),
    ("Eskdale Primary School", "PRIMARY", 61, 4, "LOW"),
    ("Sandhoe CE First School", "PRIMARY", 85, 4, "LOW"),
    ("Upper Weardale Primary", "PRIMARY", 50, 3, "HIGH"),
    ("Harbourside Academy", "SECONDARY", 2050, 128, "MEDIUM"),
    ("Saltmarsh High School", "SECONDARY", 1180, 74, "LOW"),
    ("Kestrel Rise Academy", "SECONDARY", 960, 60, "MEDIUM"),
    ("Brackenfield School", "SECONDARY", 1420, 89, "LOW"),
]

SCHOOLS = [
    {"name": name, "urn": f"9{10001 + i:05d}", "phase": phase, "pupil_count": pupils,
     "teachers": teachers, "risk_band": risk}
    for i, (name, phase, pupils, teachers, risk) in enumerate(_SCHOOLS)
]

EXTERNAL_ORGANISATIONS = [
    {"name": "Northfield Primary School", "urn": "980101", "billing_email": "accounts@northfield-external.test",
     "address": "Northfield Primary School\n12 Mill Lane\nNorthfield\nNF1 2AB"},
    {"name": "Riverside Academy", "urn": "980102", "billing_email": "finance@riverside-external.test",
     "address": "Riverside Academy\nQuay Road\nRiverside\nRV4 7QT"},
    {"name": "St Hild's CE Primary", "urn": "980103", "billing_email": "office@sthilds-external.test",
     "address": "St Hild's CE Primary\nChurch Walk\nHildon\nHD9 3LP"},
]

FIRST_NAMES = """Aisha Alfie Amelia Amir Anna Arjun Ava Ben Bethany Callum Charlotte Chloe Daniel Deepa Ella
Emily Ethan Evie Faith Finn Freya George Grace Hamza Hannah Harry Holly Imran Isla Isaac Jack Jade Jamal
James Jessica Joe Josh Kate Katie Kieran Laura Leah Leo Liam Lily Lucy Luke Maisie Maria Matthew Megan
Mohammed Molly Nadia Nathan Niamh Noah Olivia Oscar Owen Patrick Poppy Priya Rachel Rebecca Rhys Rosie
Ruby Ryan Sam Sarah Scarlett Sean Sophie Stacey Theo Thomas Tom Vicky Will Yusuf Zara Zoe""".split()

LAST_NAMES = """Abbott Ahmed Ali Allen Armstrong Atkinson Bailey Baker Barnes Bell Bennett Brown Burns Carter
Chapman Clarke Collins Cooper Cox Davies Dixon Edwards Elliott Evans Fisher Fletcher Foster Gibson Graham
Gray Green Hall Harris Harrison Hill Holmes Hughes Hussain Jackson James Johnson Jones Kaur Kelly Khan
King Knight Lee Lewis Marshall Martin Mason Mills Mitchell Moore Morgan Murphy Owen Palmer Parker Patel
Pearson Phillips Price Reid Richardson Roberts Robinson Rogers Scott Shaw Simpson Singh Smith Stewart
Taylor Thompson Turner Walker Ward Watson White Williams Wilson Wood Wright Young""".split()

# Beyond teachers: learning partners (TAs) per teacher and a floor of support staff.
STAFF_ROLES_MIX = {"learning_partner_per_teacher": 0.6, "support_staff_min": 2}
