"""The admin dashboard: one read answering the admin home section's figures (this
week's fill, registers to take, sessions under-filled, feedback, governor CPD)."""
