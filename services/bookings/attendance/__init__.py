"""After a session: the register, the CPD record it feeds, certificates and feedback."""
