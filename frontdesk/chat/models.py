"""Live chat sessions and their messages."""
