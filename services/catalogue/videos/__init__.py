"""The video library: lesson videos and films of best practice (issue 15)."""
