"""The embedded store: persistence across restarts and kills, and concurrent threads and processes.

These tests use the real embedded store (litemongo on disk), not mongomock.
"""

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading

import mongoengine

import documents
from documents import store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _connect(folder):
    return store.connect(data_dir=folder)


def test_data_survives_a_restart(tmp_path):
    folder = tmp_path / "data"
    _connect(folder)
    unit = documents.Unit(name="重启测试单位", departments=[documents.Department(name="办公室")])
    unit.save()
    mongoengine.disconnect_all()

    _connect(folder)
    again = documents.Unit.objects.get(name="重启测试单位")
    assert again.departments[0].name == "办公室"
    assert (folder / "xinfang" / "units").is_file()  # one SQLite file per collection
    mongoengine.disconnect_all()


def test_data_survives_a_killed_process(tmp_path):
    folder = tmp_path / "data"
    script = textwrap.dedent(
        f"""
        import os, sys, time
        sys.path.insert(0, {ROOT!r})
        import documents
        from documents import store
        store.connect(data_dir={str(folder)!r})
        for i in range(20):
            documents.Unit(name=f"单位{{i}}").save()
        print("written", flush=True)
        time.sleep(60)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "written"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL

    _connect(folder)
    assert documents.Unit.objects.count() == 20
    mongoengine.disconnect_all()


def test_concurrent_writes_from_threads_lose_nothing(tmp_path):
    _connect(tmp_path / "data")
    unit = documents.Unit(name="并发单位", extra={"counter": 0}).save()
    errors = []

    def work(worker):
        try:
            for i in range(25):
                documents.Person(name=f"人员{worker}-{i}", unit=unit).save()
                documents.Unit.objects(pk=unit.pk).update_one(inc__extra__counter=1)
                plan = documents.Plan(unit=unit, title=f"方案{worker}-{i}").save()
                documents.Plan.objects(pk=plan.pk).update_one(push__principles=f"原则{i}")
                assert documents.Person.objects(unit=unit).count() >= i + 1
        except Exception as exc:  # collected and reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert documents.Person.objects.count() == 150
    assert documents.Plan.objects.count() == 150
    assert all(len(p.principles) == 1 for p in documents.Plan.objects)
    assert documents.Unit.objects.get(pk=unit.pk).extra["counter"] == 150
    mongoengine.disconnect_all()


def _process_worker(folder, unit_id, worker, rounds):
    store.connect(data_dir=folder)
    unit = documents.Unit.objects.get(pk=unit_id)
    for i in range(rounds):
        documents.Person(name=f"进程{worker}-{i}", unit=unit).save()
        # a read-modify-write: atomic only if the write lock spans processes
        documents.Unit.objects(pk=unit_id).update_one(inc__extra__counter=1)
    mongoengine.disconnect_all()


def test_concurrent_writes_from_processes_lose_nothing(tmp_path):
    folder = str(tmp_path / "data")
    _connect(folder)
    unit = documents.Unit(name="多进程单位", extra={"counter": 0}).save()
    mongoengine.disconnect_all()

    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_process_worker, args=(folder, unit.pk, n, 30)) for n in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]

    _connect(folder)
    assert documents.Person.objects.count() == 120
    assert documents.Unit.objects.get(pk=unit.pk).extra["counter"] == 120
    mongoengine.disconnect_all()


def test_forked_process_opens_its_own_connections(tmp_path):
    folder = str(tmp_path / "data")
    _connect(folder)
    unit = documents.Unit(name="分叉单位", extra={"counter": 0}).save()

    context = multiprocessing.get_context("fork")

    def child():
        documents.Unit.objects(pk=unit.pk).update_one(inc__extra__counter=1)
        documents.Person(name="子进程写入", unit=unit).save()

    process = context.Process(target=child)
    process.start()
    process.join(timeout=60)
    assert process.exitcode == 0
    assert documents.Unit.objects.get(pk=unit.pk).extra["counter"] == 1
    assert documents.Person.objects(name="子进程写入").count() == 1
    mongoengine.disconnect_all()


def test_panel_under_threaded_server_requests(embedded_app):
    """The Flask test client runs requests on other threads than the one that opened the store."""
    import seeds

    with embedded_app.app_context():
        seeds.load()
    client = embedded_app.test_client()
    results = []

    def browse():
        for url in ("/admin/", "/admin/unit/", "/admin/plan/", "/admin/casecard/"):
            results.append(client.get(url).status_code)

    threads = [threading.Thread(target=browse) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 20


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url, server, log, deadline=120.0):
    """Poll ``url`` until the server answers at all (any HTTP status), for up to ``deadline``
    seconds. On a loaded machine a connection can be refused, reset, or time out while the
    workers boot: every OSError (URLError, TimeoutError, socket.timeout, ConnectionResetError)
    and a half-written response only mean "not yet". A server that exits fails at once."""
    import http.client
    import time
    import urllib.error
    import urllib.request

    give_up = time.monotonic() + deadline
    while True:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=10).close()
            return
        except urllib.error.HTTPError:
            return  # an answer, even an error page: the server is up
        except (OSError, http.client.HTTPException):
            if time.monotonic() > give_up:
                raise AssertionError(
                    f"no answer from {url} within {deadline:.0f} s:\n{log.read_text()}"
                ) from None
            time.sleep(0.25)


def _stop(server):
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


def test_panel_under_gunicorn_with_several_workers_loses_no_write(tmp_path):
    """Concurrent form posts spread over three worker processes all land in the store."""
    import urllib.error
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from .conftest import make_account

    folder = tmp_path / "data"
    _connect(folder)
    unit = documents.Unit(name="多进程面板单位").save()
    make_account("clerk", "staff", unit=unit, password="clerk-pass-1")
    mongoengine.disconnect_all()

    port = _free_port()
    env = {**os.environ, "XINFANG_DATA_DIR": str(folder), "SECRET_KEY": "test"}
    env.pop("MONGODB_URI", None)
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                "-w",
                "3",
                "--threads",
                "2",
                "--timeout",
                "120",
                "-b",
                f"127.0.0.1:{port}",
                "admin:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(f"{base}/login", server, log)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args):
                return None

        import http.cookiejar
        import re

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(jar))

        def token(path):
            page = opener.open(f"{base}{path}", timeout=120).read().decode()
            return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

        login = urllib.parse.urlencode(
            {"username": "clerk", "password": "clerk-pass-1", "csrf_token": token("/login")}
        ).encode()
        try:
            signed_in = opener.open(f"{base}/login", data=login, timeout=120).status
        except urllib.error.HTTPError as redirect:
            signed_in = redirect.code
        assert signed_in == 302, "the clerk signs in and is sent on"
        form_token = token("/admin/person/new/")

        def post(i):
            data = urllib.parse.urlencode(
                {
                    "name": f"面板人员{i}",
                    "unit": str(unit.pk),
                    "extra": "",
                    "csrf_token": form_token,
                }
            ).encode()
            try:
                return opener.open(f"{base}/admin/person/new/", data=data, timeout=120).status
            except urllib.error.HTTPError as redirect:
                return redirect.code

        with ThreadPoolExecutor(max_workers=8) as pool:
            codes = list(pool.map(post, range(60)))
    finally:
        _stop(server)

    assert codes == [302] * 60, log.read_text()
    _connect(folder)
    assert documents.Person.objects(unit=unit).count() == 60
    mongoengine.disconnect_all()
