"""Every component's migrations run from empty to head (the session did that) and
agree with its models; they also come down and go up again cleanly."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from shared.db import get_database, normalise_url
from shared.migrations import downgrade, drift, upgrade
from shared.settings import get_settings
from tests.support import components


@pytest.mark.parametrize("name", list(components.COMPONENTS))
def test_models_and_migrations_agree(name):
    module = components.db_module(name)
    assert drift(components.url(name), module.metadata(), module.VERSION_TABLE, module.UNMODELLED) == []


@pytest.mark.parametrize("name", list(components.COMPONENTS))
def test_down_to_base_and_up_again(name, tmp_path):
    settings = get_settings()
    if settings.database_url:
        base = normalise_url(settings.database_url)
        scratch = f"{base}_{name}_scratch"
        server = sa.create_engine(base.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        db_name = sa.engine.make_url(scratch).database
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{db_name}"')
        server.dispose()
    else:
        scratch = f"sqlite:///{tmp_path / name}.sqlite3"
    module = components.db_module(name)
    upgrade(module.MIGRATIONS, scratch)
    downgrade(module.MIGRATIONS, scratch, "base")
    engine = sa.create_engine(normalise_url(scratch))
    left = set(sa.inspect(engine).get_table_names()) - {module.VERSION_TABLE}
    engine.dispose()
    assert left == set()
    upgrade(module.MIGRATIONS, scratch)
    assert drift(scratch, module.metadata(), module.VERSION_TABLE, module.UNMODELLED) == []
    get_database(scratch).dispose()
