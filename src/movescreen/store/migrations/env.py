"""Alembic environment: migrations run on the connection movescreen.store.migrate passes in."""

from alembic import context

from movescreen.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=True)  # SQLite alters tables by copying them
with context.begin_transaction():
    context.run_migrations()
