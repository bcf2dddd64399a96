"""The knowledge base: articles per brand and language, their search and the suggestions a request form shows."""
