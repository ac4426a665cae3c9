"""The video library: its GraphQL types and resolvers (graph.py), the videos in a CPD
record (cpd.py) and its pages (pages.py)."""
