"""The home page: one page, a section for each role the person holds (staff, school
leader, network lead, admin, governor, SIP, external booker), each built by its own
module here from a fixed number of backend calls, whatever the number of bookings."""
