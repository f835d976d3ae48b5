import pytest

from tests.web.conftest import collected_static, staff_client  # noqa: F401


@pytest.fixture(autouse=True)
def steps_inline(settings) -> None:
    """Long steps run inside the request here; the browser test runs them in the server."""
    settings.SAMARKIV_DECOMMISSIONING_INLINE = True
