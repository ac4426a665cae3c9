"""The three Lighthouse Learning services; each imports `shared` and nothing of another."""
