import pytest

from tests.keytasks.helpers import build_tree


@pytest.fixture
def tree(personas):
    return build_tree(personas)
