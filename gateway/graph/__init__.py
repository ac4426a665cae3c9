"""The public GraphQL API (graphene), also what the web pages read through."""
