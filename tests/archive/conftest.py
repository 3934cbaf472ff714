import pytest


@pytest.fixture(autouse=True)
def _exports_inline(settings):
    """Run export jobs inline at commit (the test captures on_commit), not in a thread."""
    settings.EXPORT_IN_THREAD = False
