"""The GraphQL API: the schema, its resolvers (thin: each calls the shop), errors and limits."""
