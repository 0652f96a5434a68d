import pytest

from bspos.vcio.services import import_built_in


@pytest.fixture(autouse=True)
def built_in_templates(request):
    """The built-in frameworks come from a data migration; a transactional test elsewhere may have flushed
    them, so put them back (importing is idempotent). Tests without the database are left alone."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "demo" not in request.fixturenames:
        return
    if marker is None:
        request.getfixturevalue("db")
    import_built_in()
