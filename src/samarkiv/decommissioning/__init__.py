"""System decommissioning: extraction, verification, review, ingest, certificate."""
