"""The PostgreSQL full-text table (``search_document``), created only on PostgreSQL.

Not an ORM model: it is a projection owned by the PostgreSQL search backend (queried
with raw SQL: ``tsvector`` generated column, GIN index, ``websearch_to_tsquery``), and
SQLite catalogues have no use for it. The DDL is frozen here as migration history.
"""

from django.db import migrations

CREATE = [
    """
    CREATE TABLE IF NOT EXISTS search_document (
        record_id text PRIMARY KEY,
        aip_id text NOT NULL,
        tenant text NOT NULL,
        kind text NOT NULL DEFAULT '',
        title text NOT NULL DEFAULT '',
        registration_number text NOT NULL DEFAULT '',
        body text NOT NULL DEFAULT '',
        records_creator text NOT NULL DEFAULT '',
        classification text NOT NULL DEFAULT '',
        document_type text NOT NULL DEFAULT '',
        formats text[] NOT NULL DEFAULT '{}',
        date_start date,
        date_end date,
        year integer,
        decade integer GENERATED ALWAYS AS ((year / 10) * 10) STORED,
        tsv tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('swedish', title), 'A')
            || setweight(to_tsvector('swedish', registration_number), 'A')
            || setweight(
                to_tsvector(
                    'simple', regexp_replace(registration_number, '[^[:alnum:]]+', ' ', 'g')
                ),
                'A'
            )
            || setweight(
                to_tsvector(
                    'swedish', records_creator || ' ' || classification || ' ' || document_type
                ),
                'B'
            )
            || setweight(to_tsvector('swedish', body), 'D')
        ) STORED
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_document_tsv ON search_document USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS search_document_tenant ON search_document (tenant)",
    "CREATE INDEX IF NOT EXISTS search_document_aip ON search_document (aip_id)",
    "CREATE INDEX IF NOT EXISTS search_document_regno "
    "ON search_document (lower(registration_number))",
]
DROP = ["DROP TABLE IF EXISTS search_document"]


def _run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_indextask")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
