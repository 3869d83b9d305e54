"""Where batches run: in this process, in local worker processes, or on a Dask cluster.

Every executor offers the same small interface: ``submit(batch)`` returns a
:class:`concurrent.futures.Future` of a :class:`~iadsim.study.worker.BatchResult`,
``workers`` says how many batches it runs at once, and ``close()`` stops it
(cancelling what has not started). The study runner is the same whatever runs
the batches, so results do not depend on the executor.

* ``inprocess``: runs each batch when submitted; for debugging (a breakpoint in
  a model works) and for tiny studies.
* ``local`` (the default): a pool of worker processes on this machine, one
  per core, spawned by the study's process (a fresh interpreter each). Workers
  ignore Ctrl-C (the study's own process handles it) and exit when the study's
  process dies, even by SIGKILL.
* ``dask``: a Dask distributed cluster: a running scheduler at ``address``
  (``tcp://host:8786``), or a ``LocalCluster`` of ``workers`` single-threaded
  worker processes on the loopback interface when no address is given.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from iadsim.errors import Problem, UserError
from iadsim.study.worker import Batch, BatchResult, run_batch

EXECUTORS = ("inprocess", "local", "dask")


def available_cores() -> int:
    """Cores this process may use (its CPU affinity where the platform tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


class Executor(ABC):
    """Runs batches; see the module docstring for the three kinds."""

    workers: int

    @abstractmethod
    def submit(self, batch: Batch) -> Future[BatchResult]:
        """Start ``batch``; the future holds its result."""

    @abstractmethod
    def close(self) -> None:
        """Stop: cancel batches not started, release workers and any cluster started here."""

    def describe(self) -> str:
        return f"{type(self).__name__} with {self.workers} worker(s)"

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcessExecutor(Executor):
    """Runs each batch at once, in this process."""

    workers = 1

    def submit(self, batch: Batch) -> Future[BatchResult]:
        future: Future[BatchResult] = Future()
        future.set_result(run_batch(batch))
        return future

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return "in this process"


ORPHAN_CHECK_S = 0.5
_PR_SET_PDEATHSIG = 1


def _start_worker(parent: int) -> None:
    """In each local worker: ignore Ctrl-C (the study's process handles it) and die with the study's process.

    ``parent`` is the study's process id, passed from it: a worker started just as the study is killed
    (in its first second, say) finds itself already re-parented and exits at once, where comparing with
    its parent *at start* would wait forever. On Linux the kernel also sends SIGKILL the moment the parent
    dies (``PR_SET_PDEATHSIG``); elsewhere a thread checks every ``ORPHAN_CHECK_S``. A worker that exits
    closes its end of the resource tracker's pipe, so the tracker ends too.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="iadsim-orphan-watch", daemon=True).start()


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a no-op elsewhere)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (AttributeError, OSError):
        pass


class ProcessExecutor(Executor):
    """A pool of local worker processes, children of this process."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                         initargs=(os.getpid(),))

    def submit(self, batch: Batch) -> Future[BatchResult]:
        with _interrupts_ignored():  # a worker started by this submit inherits it until its initializer runs
            return self._pool.submit(run_batch, batch)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def describe(self) -> str:
        return f"{self.workers} local worker process(es)"


@contextlib.contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """Ignore SIGINT in this process while the block starts processes, which inherit it (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _environment(**variables: str) -> Iterator[None]:
    """Set environment variables while the block starts processes, which inherit them."""
    previous = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class DaskExecutor(Executor):
    """Batches as tasks of a Dask distributed cluster (a running scheduler, or a LocalCluster started here)."""

    def __init__(self, workers: int, address: str | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - distributed is a dependency of iadsim
            raise UserError("the dask executor needs the 'distributed' package: pip install distributed") from None
        logging.getLogger("distributed").setLevel(logging.ERROR)
        self._cluster: Any = None
        self.address = address
        if address is None:
            # Its worker processes inherit these: Ctrl-C is the study's to handle; they log only errors; and
            # they do not sample their own stacks every 10 ms (Dask's profiler, a cost on every replication).
            with _interrupts_ignored(), _environment(DASK_LOGGING__DISTRIBUTED="error",
                                                     DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED="False"):
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                             host="127.0.0.1", dashboard_address=None)
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address)  # waits distributed.comm.timeouts.connect (30 s)
            except (OSError, TimeoutError, ValueError) as error:
                raise UserError([Problem(
                    f"cannot reach a Dask scheduler at {address}: {error}", "--cluster",
                    expected="the address of a running scheduler, e.g. tcp://host:8786",
                    suggestion="start one with `dask scheduler` and workers with `dask worker ADDRESS`")]) from None
        self.workers = max(1, sum(self._client.nthreads().values())) if address else workers
        self._executor = self._client.get_executor(pure=False)

    def submit(self, batch: Batch) -> Future[BatchResult]:
        return self._executor.submit(run_batch, batch)

    def close(self) -> None:
        self._executor.shutdown(wait=False)
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def describe(self) -> str:
        where = self.address or "a local cluster on 127.0.0.1"
        return f"Dask ({where}, {self.workers} worker thread(s))"


def make_executor(kind: str | None = None, workers: int | None = None, cluster: str | None = None) -> Executor:
    """The executor ``kind`` (one of :data:`EXECUTORS`; default ``local``, or ``dask`` with a ``cluster``)."""
    kind = kind or ("dask" if cluster is not None else "local")
    if kind not in EXECUTORS:
        raise UserError([Problem(f"unknown executor '{kind}'", "--executor", expected=", ".join(EXECUTORS))])
    if cluster is not None and kind != "dask":
        raise UserError([Problem(f"--cluster needs the dask executor, not '{kind}'", "--executor",
                                 suggestion="drop --executor, or write --executor dask")])
    if workers is not None and workers < 1:
        raise UserError([Problem(f"--workers must be at least 1 (got {workers})", "--workers")])
    count = workers or available_cores()
    if kind == "inprocess":
        return InProcessExecutor()
    if kind == "local":
        return ProcessExecutor(count)
    return DaskExecutor(count, cluster)
