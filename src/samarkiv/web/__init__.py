"""Web: the staff UI now, the public portal later. Views render; services decide."""
