"""Knowledge-base tables: articles, their translations and versions, votes and suggestion records."""
