"""Subject networks: the maths, English, SEND… networks that bring a lead from every school together."""
