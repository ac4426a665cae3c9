"""Schools outside the trust: registering one, its bookers, and their pages."""
