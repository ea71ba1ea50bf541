"""SQL written out once, for the hottest statements: names quoted as this database quotes them.

Building a small query through the ORM costs several times what running it does. The few
statements run on every request or every live write are written out once at import, from the
models' own tables and columns, and each value goes through the database's own adapter.
"""

from django.db import connection
from django.db.models import Field, Model


def quoted_table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def quoted_column(field: Field) -> str:
    """A concrete field's column, quoted for this database."""
    assert field.column is not None, "a concrete field"
    return connection.ops.quote_name(field.column)


def quoted_field(model: type[Model], name: str) -> str:
    """The column of ``model``'s concrete field ``name``, quoted for this database."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field), "a concrete field"
    return quoted_column(field)
