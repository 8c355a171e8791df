"""Fixtures the engine tests share."""
import pytest


@pytest.fixture
def torch():
    """torch on one thread: for these tiny tensors a thread pool only waits on shared cores."""
    module = pytest.importorskip("torch")
    threads = module.get_num_threads()
    module.set_num_threads(1)
    yield module
    module.set_num_threads(threads)
