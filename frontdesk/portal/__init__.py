"""The customers' portal of each brand: sign-in, requests, status by number and the knowledge base."""
