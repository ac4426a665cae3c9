"""Server-rendered pages; each reads and writes through the GraphQL schema."""
