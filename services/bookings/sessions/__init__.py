"""Sessions of catalogue courses: scheduling, their trust places, who may see them."""
