"""Latest-only hand-over: frames are dropped while busy, never shown out of order."""
import threading

from convlab.ui.live import LatestOnlyWorker


def test_synchronous_worker_delivers_each_job(qtbot):
    got = []
    worker = LatestOnlyWorker(lambda job: job * 2, synchronous=True)
    worker.result_ready.connect(lambda r: got.append(r.value))
    for j in range(5):
        worker.submit(j)
    assert got == [0, 2, 4, 6, 8]
    assert worker.dropped == 0


def test_busy_worker_drops_all_but_the_newest_pending_job(qtbot):
    gate = threading.Event()
    started = threading.Event()

    def compute(job):
        started.set()
        gate.wait(5)
        return job

    got = []
    worker = LatestOnlyWorker(compute)
    worker.result_ready.connect(lambda r: got.append(r.value))
    worker.submit(0)
    assert started.wait(5)
    for j in range(1, 10):
        worker.submit(j)  # 1..8 are replaced while job 0 runs
    gate.set()
    qtbot.waitUntil(lambda: got == [0, 9] and worker.is_idle(), timeout=5000)
    assert worker.dropped == 8
    worker.stop()


def test_errors_are_reported_not_raised(qtbot):
    def compute(job):
        raise ValueError("kernel has NaN")

    worker = LatestOnlyWorker(compute, synchronous=True)
    with qtbot.waitSignal(worker.result_ready) as blocker:
        worker.submit(1)
    assert "kernel has NaN" in blocker.args[0].error


def test_results_arrive_on_the_main_thread(qtbot):
    threads = []
    worker = LatestOnlyWorker(lambda job: job)
    worker.result_ready.connect(lambda r: threads.append(threading.current_thread()))
    worker.submit(1)
    qtbot.waitUntil(lambda: len(threads) > 0, timeout=5000)
    assert threads[0] is threading.main_thread()
    worker.stop()


def test_closing_the_window_stops_every_panel_worker(qtbot):
    from convlab.ui.live import LatestOnlyWorker
    from convlab.ui.main_window import MainWindow

    window = MainWindow(settings=None)
    qtbot.addWidget(window)
    window.start("sample:edges")
    workers = [w for p in window.panels for w in p.findChildren(LatestOnlyWorker)]
    assert len(workers) >= 3
    for panel in window.panels:
        window.show_panel(panel.key)
        qtbot.wait(20)
    window.close()
    assert all(w._thread is None for w in workers)
