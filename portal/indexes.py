"""Index shapes shared by the apps' models."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models.functions import Upper


def trigram_index(field: str, name: str) -> GinIndex:
    """A trigram index on UPPER(field), which serves `icontains` on Chinese text.

    Django's `icontains` compiles to UPPER(col) LIKE UPPER('%q%'): an index on that expression
    finds Chinese substrings (no spaces to split words on, so full-text search cannot) without a
    sequential scan.
    """
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)
