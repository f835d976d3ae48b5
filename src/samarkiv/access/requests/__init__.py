"""Requests for public records (begäran om allmän handling): routed, decided, delivered."""
