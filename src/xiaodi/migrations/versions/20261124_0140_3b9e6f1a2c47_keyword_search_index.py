"""keyword search index of demands and achievements

The list searches of the two 100k-row tables read every row's text (~130 ms); this adds the search index of
``xiaodi.core.search``: the ``search_pending`` notes, and per searched table an FTS5 trigram index with its term
list, view and triggers (SQLite) or a bigram table with a GIN index and triggers (PostgreSQL). Existing records
are noted as pending; the web server or ``xiaodi index rebuild`` folds them in, and searches stay exact until
then.

SQLite drops a table's triggers with the table: a later migration that rebuilds ``demand`` or ``achievement``
(batch mode) must create the triggers again (``tests/core/test_search.py`` checks that writes reach the index).

Revision ID: 3b9e6f1a2c47
Revises: ff03ca19ef6d
Create Date: 2026-11-24 01:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3b9e6f1a2c47'
down_revision: str | None = 'ff03ca19ef6d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The SQL this revision runs, frozen as ``xiaodi.core.search.create_statements`` / ``drop_statements`` wrote it on
# 2026-11-24 for demand (title, code, description) and achievement (title, field, summary), per dialect: a later
# change to core.search must not change what an old revision did (tests/core/test_migrations.py checks the imports).
CREATE: dict[str, list[str]] = {'postgresql': ['CREATE FUNCTION xiaodi_search_note() RETURNS trigger LANGUAGE plpgsql AS $$\n'
                'BEGIN\n'
                '    INSERT INTO search_pending (kind, record_id)\n'
                "    VALUES (TG_ARGV[0], CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);\n"
                '    RETURN NULL;\n'
                'END $$',
                'CREATE TABLE demand_search (id integer PRIMARY KEY, keys integer[] NOT NULL)',
                'CREATE INDEX demand_search_keys ON demand_search USING gin (keys)',
                'CREATE TRIGGER demand_search_write AFTER INSERT OR DELETE ON demand FOR EACH ROW EXECUTE '
                "FUNCTION xiaodi_search_note('demand')",
                'CREATE TRIGGER demand_search_update AFTER UPDATE OF title, code, description ON demand FOR '
                'EACH ROW WHEN ((OLD.title, OLD.code, OLD.description) IS DISTINCT FROM (NEW.title, NEW.code, '
                "NEW.description)) EXECUTE FUNCTION xiaodi_search_note('demand')",
                "INSERT INTO search_pending (kind, record_id) SELECT 'demand', id FROM demand ORDER BY id",
                'CREATE TABLE achievement_search (id integer PRIMARY KEY, keys integer[] NOT NULL)',
                'CREATE INDEX achievement_search_keys ON achievement_search USING gin (keys)',
                'CREATE TRIGGER achievement_search_write AFTER INSERT OR DELETE ON achievement FOR EACH ROW '
                "EXECUTE FUNCTION xiaodi_search_note('achievement')",
                'CREATE TRIGGER achievement_search_update AFTER UPDATE OF title, field, summary ON achievement '
                'FOR EACH ROW WHEN ((OLD.title, OLD.field, OLD.summary) IS DISTINCT FROM (NEW.title, '
                "NEW.field, NEW.summary)) EXECUTE FUNCTION xiaodi_search_note('achievement')",
                "INSERT INTO search_pending (kind, record_id) SELECT 'achievement', id FROM achievement ORDER "
                'BY id'],
 'sqlite': ["CREATE VIEW demand_search_doc AS SELECT id, coalesce(demand.title, '') || char(10) || "
            "coalesce(demand.code, '') || char(10) || coalesce(demand.description, '') || char(10) AS doc FROM "
            'demand',
            "CREATE VIRTUAL TABLE demand_search USING fts5(doc, tokenize = 'trigram', content = "
            "'demand_search_doc', content_rowid = 'id')",
            "CREATE VIRTUAL TABLE demand_search_terms USING fts5vocab('demand_search', 'instance')",
            "CREATE VIRTUAL TABLE demand_search_rows USING fts5vocab('demand_search', 'row')",
            'CREATE TRIGGER demand_search_insert AFTER INSERT ON demand BEGIN INSERT INTO search_pending '
            "(kind, record_id) SELECT 'demand', new.id WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE "
            "kind = 'demand' AND record_id = new.id); END",
            'CREATE TRIGGER demand_search_update AFTER UPDATE OF title, code, description ON demand WHEN '
            "coalesce(old.title, '') || char(10) || coalesce(old.code, '') || char(10) || "
            "coalesce(old.description, '') || char(10) IS NOT coalesce(new.title, '') || char(10) || "
            "coalesce(new.code, '') || char(10) || coalesce(new.description, '') || char(10) BEGIN INSERT INTO "
            "demand_search(demand_search, rowid, doc) SELECT 'delete', old.id, coalesce(old.title, '') || "
            "char(10) || coalesce(old.code, '') || char(10) || coalesce(old.description, '') || char(10) WHERE "
            "NOT EXISTS (SELECT 1 FROM search_pending WHERE kind = 'demand' AND record_id = old.id); INSERT "
            "INTO search_pending (kind, record_id) SELECT 'demand', new.id WHERE NOT EXISTS (SELECT 1 FROM "
            "search_pending WHERE kind = 'demand' AND record_id = new.id); END",
            'CREATE TRIGGER demand_search_delete AFTER DELETE ON demand WHEN NOT EXISTS (SELECT 1 FROM '
            "search_pending WHERE kind = 'demand' AND record_id = old.id) BEGIN INSERT INTO "
            "demand_search(demand_search, rowid, doc) VALUES ('delete', old.id, coalesce(old.title, '') || "
            "char(10) || coalesce(old.code, '') || char(10) || coalesce(old.description, '') || char(10)); END",
            "INSERT INTO search_pending (kind, record_id) SELECT 'demand', id FROM demand ORDER BY id",
            "CREATE VIEW achievement_search_doc AS SELECT id, coalesce(achievement.title, '') || char(10) || "
            "coalesce(achievement.field, '') || char(10) || coalesce(achievement.summary, '') || char(10) AS "
            'doc FROM achievement',
            "CREATE VIRTUAL TABLE achievement_search USING fts5(doc, tokenize = 'trigram', content = "
            "'achievement_search_doc', content_rowid = 'id')",
            "CREATE VIRTUAL TABLE achievement_search_terms USING fts5vocab('achievement_search', 'instance')",
            "CREATE VIRTUAL TABLE achievement_search_rows USING fts5vocab('achievement_search', 'row')",
            'CREATE TRIGGER achievement_search_insert AFTER INSERT ON achievement BEGIN INSERT INTO '
            "search_pending (kind, record_id) SELECT 'achievement', new.id WHERE NOT EXISTS (SELECT 1 FROM "
            "search_pending WHERE kind = 'achievement' AND record_id = new.id); END",
            'CREATE TRIGGER achievement_search_update AFTER UPDATE OF title, field, summary ON achievement '
            "WHEN coalesce(old.title, '') || char(10) || coalesce(old.field, '') || char(10) || "
            "coalesce(old.summary, '') || char(10) IS NOT coalesce(new.title, '') || char(10) || "
            "coalesce(new.field, '') || char(10) || coalesce(new.summary, '') || char(10) BEGIN INSERT INTO "
            "achievement_search(achievement_search, rowid, doc) SELECT 'delete', old.id, coalesce(old.title, "
            "'') || char(10) || coalesce(old.field, '') || char(10) || coalesce(old.summary, '') || char(10) "
            "WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE kind = 'achievement' AND record_id = "
            "old.id); INSERT INTO search_pending (kind, record_id) SELECT 'achievement', new.id WHERE NOT "
            "EXISTS (SELECT 1 FROM search_pending WHERE kind = 'achievement' AND record_id = new.id); END",
            'CREATE TRIGGER achievement_search_delete AFTER DELETE ON achievement WHEN NOT EXISTS (SELECT 1 '
            "FROM search_pending WHERE kind = 'achievement' AND record_id = old.id) BEGIN INSERT INTO "
            "achievement_search(achievement_search, rowid, doc) VALUES ('delete', old.id, coalesce(old.title, "
            "'') || char(10) || coalesce(old.field, '') || char(10) || coalesce(old.summary, '') || char(10)); "
            'END',
            "INSERT INTO search_pending (kind, record_id) SELECT 'achievement', id FROM achievement ORDER BY "
            'id']}

DROP: dict[str, list[str]] = {'postgresql': ['DROP TRIGGER demand_search_write ON demand',
                'DROP TRIGGER demand_search_update ON demand',
                'DROP TABLE demand_search',
                'DROP TRIGGER achievement_search_write ON achievement',
                'DROP TRIGGER achievement_search_update ON achievement',
                'DROP TABLE achievement_search',
                'DROP FUNCTION xiaodi_search_note()'],
 'sqlite': ['DROP TRIGGER demand_search_insert',
            'DROP TRIGGER demand_search_update',
            'DROP TRIGGER demand_search_delete',
            'DROP TABLE demand_search_rows',
            'DROP TABLE demand_search_terms',
            'DROP TABLE demand_search',
            'DROP VIEW demand_search_doc',
            'DROP TRIGGER achievement_search_insert',
            'DROP TRIGGER achievement_search_update',
            'DROP TRIGGER achievement_search_delete',
            'DROP TABLE achievement_search_rows',
            'DROP TABLE achievement_search_terms',
            'DROP TABLE achievement_search',
            'DROP VIEW achievement_search_doc']}


def upgrade() -> None:
    op.create_table('search_pending',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_search_pending'))
    )
    op.create_index('ix_search_pending_kind_record', 'search_pending', ['kind', 'record_id'], unique=False)
    for statement in CREATE[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_index('ix_search_pending_kind_record', table_name='search_pending')
    op.drop_table('search_pending')
