"""What every feature's part of the GraphQL API shares: one request's context and its
calls to the services (context.py), batch loaders (loaders.py), the mutation helper
(mutations.py), the shared shapes (shapes.py), reading values and ids (values.py,
ids.py), joining the features into one schema (compose.py), the limits, executing an
operation (execute.py) and POST /graphql (view.py)."""
