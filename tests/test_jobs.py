"""Background jobs (articles.jobs, manage.py run_tasks, admin → 背景工作).

The test run uses the immediate backend; tests of the queue itself switch to the database backend (``queue``)."""

import datetime
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles import jobs
from articles.models import JobKey

# What the demo tasks below did, in order (the worker runs them in this process, threads included).
RUNS: list = []
RUNS_LOCK = threading.Lock()


@jobs.task()
def note_task(*, name: str) -> str:
    with RUNS_LOCK:
        RUNS.append(name)
    return name


@jobs.task()
def broken_task(*, name: str) -> None:
    with RUNS_LOCK:
        RUNS.append(name)
    raise ValueError(f"壞掉了 {name}")


@jobs.task()
def interrupted_task(*, name: str) -> None:
    raise SystemExit(1)  # what a second SIGTERM does to the worker mid-job


@jobs.task()
def ids_task(*, ids: list[int]) -> int:
    with RUNS_LOCK:
        RUNS.extend(ids)
    return len(ids)


@jobs.task()
def requeue_self_task(*, name: str) -> None:
    """Queues its own key while it runs: the running job must not swallow that request."""
    with RUNS_LOCK:
        RUNS.append(name)
    jobs.enqueue(requeue_self_task, key="self", name=name)


@jobs.task()
def slow_note_task(*, name: str) -> None:
    time.sleep(0.002)
    with RUNS_LOCK:
        RUNS.append(name)


@pytest.fixture(autouse=True)
def clean_runs():
    RUNS.clear()
    yield
    RUNS.clear()


@pytest.fixture
def queue(settings):
    """The database backend: jobs wait in the table until run_tasks runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RETRY_DELAYS = [10, 60, 300]
    return settings


def run_tasks(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("run_tasks", *args, stdout=out, stderr=io.StringIO())
    except CommandError as error:
        if error.returncode == 1:
            return out.getvalue(), 1
        raise
    return out.getvalue(), 0


def committed(callbacks_fixture, *calls):
    with callbacks_fixture(execute=True):
        for call in calls:
            call()


def enqueue(task, **kwargs):
    """Queue as if the test's transaction committed (each test runs inside one)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        jobs.enqueue(task, **kwargs)


def enqueue_chunks(task, **kwargs) -> int:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return jobs.enqueue_chunks(task, **kwargs)


# --- after commit, never on rollback ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_job_runs_only_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            jobs.enqueue(note_task, key="note:a", name="a")
            assert RUNS == []
        assert RUNS == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert RUNS == ["a"]


@pytest.mark.django_db
def test_a_rolled_back_job_never_runs(django_capture_on_commit_callbacks, queue):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            jobs.enqueue(note_task, key="note:a", name="a")
            raise RuntimeError("rollback")
    assert RUNS == []
    assert not DBTaskResult.objects.exists()
    assert run_tasks() == ("done 0, retrying 0, failed 0\n", 0)


@pytest.mark.django_db
def test_with_the_database_backend_a_job_waits_for_run_tasks(django_capture_on_commit_callbacks, queue):
    committed(django_capture_on_commit_callbacks, lambda: jobs.enqueue(note_task, key="note:a", name="a"))
    assert RUNS == []
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.READY
    assert job.args_kwargs == {"args": [], "kwargs": {"name": "a"}}
    out, code = run_tasks()
    assert code == 0 and RUNS == ["a"]
    assert out.splitlines()[0].startswith("done      tests.test_jobs.note_task {'name': 'a'}")
    assert out.splitlines()[-1] == "done 1, retrying 0, failed 0"
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL and job.return_value == "a"


def test_enqueue_refuses_what_cannot_be_stored_at_the_call_site():
    with pytest.raises(TypeError):
        jobs.enqueue(note_task, key="k", name={1, 2})
    with pytest.raises(ValueError):
        jobs.enqueue(note_task, key="", name="a")
    with pytest.raises(TypeError):
        jobs.enqueue(print, key="k")


# --- coalescing ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_enqueues_with_one_key_while_waiting_make_one_job(django_capture_on_commit_callbacks, queue):
    committed(django_capture_on_commit_callbacks,
              lambda: jobs.enqueue(note_task, key="render:article:1", name="first"),
              lambda: jobs.enqueue(note_task, key="render:article:1", name="second"),
              lambda: jobs.enqueue(note_task, key="render:article:2", name="other"))
    committed(django_capture_on_commit_callbacks,
              lambda: jobs.enqueue(note_task, key="render:article:1", name="third"))
    assert DBTaskResult.objects.count() == 2
    assert JobKey.objects.filter(waiting=True).count() == 2

    assert run_tasks()[1] == 0
    assert sorted(RUNS) == ["first", "other"]
    assert not JobKey.objects.filter(waiting=True).exists()

    # It ran: the next request is new work and makes a new job.
    committed(django_capture_on_commit_callbacks,
              lambda: jobs.enqueue(note_task, key="render:article:1", name="after"))
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    run_tasks()
    assert RUNS[-1] == "after"


@pytest.mark.django_db
def test_a_request_while_the_job_runs_makes_a_new_job(queue):
    enqueue(requeue_self_task, key="self", name="x")
    with TestCase.captureOnCommitCallbacks(execute=True):  # what the running job queues
        out, code = run_tasks("--max-jobs", "1")
    assert code == 0 and RUNS == ["x"]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


@pytest.mark.django_db
def test_coalescing_is_shared_through_the_database_not_process_memory(queue):
    enqueue(note_task, key="k", name="a")
    # Another process sees only the database: the key row is what stops a second job.
    assert JobKey.objects.get(key="k").waiting
    enqueue(note_task, key="k", name="b")
    assert DBTaskResult.objects.count() == 1


# --- retries and failures --------------------------------------------------------------------------------------


def make_due():
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


@pytest.mark.django_db
def test_a_failing_job_is_retried_with_backoff_then_left_failed_with_its_error(queue):
    enqueue(broken_task, key="broken", name="b")
    delays = []
    for expected_delay in (10, 60, 300):
        before = timezone.now()
        out, code = run_tasks()
        assert code == 0
        assert out.splitlines()[-1] == "done 0, retrying 1, failed 0"
        assert f"next in {expected_delay} s" in out and "ValueError: 壞掉了 b" in out
        job = DBTaskResult.objects.get()
        assert job.status == TaskResultStatus.READY
        assert "ValueError: 壞掉了 b" in job.traceback
        delays.append(round((job.run_after - before).total_seconds()))
        # Not due yet: a run now does nothing.
        assert run_tasks()[0].splitlines()[-1] == "done 0, retrying 0, failed 0"
        make_due()
    assert delays == [10, 60, 300]

    out, code = run_tasks()
    assert code == 1
    assert "FAILED    tests.test_jobs.broken_task {'name': 'b'}: ValueError: 壞掉了 b (after 4 attempts" in out
    assert out.splitlines()[-1] == "done 0, retrying 0, failed 1"
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.FAILED
    assert job.exception_class_path == "builtins.ValueError"
    assert len(job.worker_ids) == 4 and len(RUNS) == 4
    assert jobs.counts() == {"pending": 0, "failed": 1}


@pytest.mark.django_db
def test_a_new_request_brings_a_waiting_retry_forward(queue):
    enqueue(broken_task, key="broken", name="b")
    run_tasks()
    assert DBTaskResult.objects.get().run_after > timezone.now()
    enqueue(broken_task, key="broken", name="b")
    assert DBTaskResult.objects.count() == 1
    assert DBTaskResult.objects.get().run_after <= timezone.now()


@pytest.mark.django_db
def test_retries_survive_a_worker_restart_and_a_dead_workers_job_is_taken_again(queue):
    enqueue(note_task, key="k", name="orphan")
    job = DBTaskResult.objects.get()
    job.claim("dead-worker")  # a worker took it and died before finishing
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - datetime.timedelta(hours=2))
    run_tasks()  # this worker's start finds it, schedules the retry (a row with a time, in the database)
    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY and "worker" in job.traceback
    make_due()
    assert run_tasks()[0].splitlines()[-1] == "done 1, retrying 0, failed 0"
    assert RUNS == ["orphan"]


@pytest.mark.django_db
def test_a_worker_stopped_mid_job_puts_the_job_straight_back(queue):
    enqueue(interrupted_task, key="k", name="a")
    with pytest.raises(SystemExit):
        jobs.run_pending()
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.READY and job.run_after <= timezone.now()
    assert JobKey.objects.get(result=job).waiting


@pytest.mark.django_db
def test_retrying_a_failed_job_gives_it_fresh_attempts(queue, settings):
    settings.TASK_RETRY_DELAYS = []
    enqueue(broken_task, key="broken", name="b")
    assert run_tasks()[1] == 1
    job = DBTaskResult.objects.get()
    from articles import services

    assert services.jobs_retry(job_ids=[job.pk]) == 1
    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY and job.worker_ids == []
    assert JobKey.objects.get(result=job).waiting
    assert run_tasks()[1] == 1


# --- run_tasks -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_tasks_under_the_immediate_backend_has_nothing_to_do():
    out, code = run_tasks()
    assert code == 0 and "nothing to do" in out


@pytest.mark.django_db
def test_run_tasks_reports_each_job_and_a_summary(queue, settings):
    settings.TASK_RETRY_DELAYS = [0]
    enqueue(note_task, key="a", name="a")
    enqueue(broken_task, key="b", name="b")
    out, code = run_tasks()
    lines = out.splitlines()
    assert code == 1
    assert lines[-1] == "done 1, retrying 1, failed 1"
    assert sum(line.startswith("done      ") for line in lines) == 1
    assert sum(line.startswith("retrying  ") for line in lines) == 1
    assert sum(line.startswith("FAILED    ") for line in lines) == 1


def test_run_tasks_help_explains_forever(capsys):
    with pytest.raises(SystemExit):
        call_command("run_tasks", "--help")
    help_text = capsys.readouterr().out
    assert "--forever" in help_text and "gunicorn" in help_text and "結束代碼為 1" in help_text


# --- fan-out ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_fan_out_of_1001_ids_covers_every_id_once(queue):
    ids = list(range(1, 1002))
    assert enqueue_chunks(ids_task, key="render:tag:7", ids=reversed(ids)) == 6
    # The same fan-out requested again while it waits adds nothing.
    assert enqueue_chunks(ids_task, key="render:tag:7", ids=ids + ids[:10]) == 6
    assert DBTaskResult.objects.count() == 6
    sizes = sorted(len(job.args_kwargs["kwargs"]["ids"]) for job in DBTaskResult.objects.all())
    assert sizes == [1, 200, 200, 200, 200, 200]
    out, code = run_tasks()
    assert code == 0 and out.splitlines()[-1] == "done 6, retrying 0, failed 0"
    assert sorted(RUNS) == ids


def test_a_fan_out_under_the_immediate_backend_runs_every_chunk(db):
    assert enqueue_chunks(ids_task, key="x", ids=range(450), chunk_size=100) == 5
    assert sorted(RUNS) == list(range(450))


# --- two workers at once ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_run_the_same_job(queue):
    names = [f"job{n}" for n in range(80)]
    for name in names:
        enqueue(slow_note_task, key=name, name=name)
    summaries, errors = [], []

    def worker():
        try:
            summaries.append(jobs.run_pending(interval=0))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(RUNS) == sorted(names)  # every job ran, none twice
    assert sum(summary.done for summary in summaries) == 80
    assert all(len(job.worker_ids) == 1 for job in DBTaskResult.objects.all())
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}


# --- editors see them ------------------------------------------------------------------------------------------


@pytest.fixture
def failed_job(queue, db):
    queue.TASK_RETRY_DELAYS = []
    enqueue(broken_task, key="broken", name="b")
    run_tasks()
    enqueue(note_task, key="waiting", name="w")
    return DBTaskResult.objects.get(status=TaskResultStatus.FAILED)


def test_editors_see_pending_and_failed_jobs_with_the_error(editor_client, failed_job):
    url = reverse("admin:articles_backgroundjob_changelist")
    page = editor_client.get(url).content.decode()
    assert "背景工作" in page and "broken_task" in page and "note_task" in page
    assert "ValueError: 壞掉了 b" in page
    assert 'data-job-state="failed">失敗' in page and 'data-job-state="ready">等待執行' in page
    assert "重試選取的失敗工作" in page
    failed_only = editor_client.get(url, {"state": "failed"}).content.decode()
    assert "broken_task" in failed_only and "note_task" not in failed_only
    detail = editor_client.get(reverse("admin:articles_backgroundjob_change", args=[failed_job.pk]))
    assert detail.status_code == 200 and "Traceback" in detail.content.decode()


def test_editors_retry_a_failed_job_from_the_admin(editor_client, failed_job):
    url = reverse("admin:articles_backgroundjob_changelist")
    response = editor_client.post(url, {"action": "retry", "_selected_action": [str(failed_job.pk)]}, follow=True)
    assert "已重新排入 1 個工作" in response.content.decode()
    failed_job.refresh_from_db()
    assert failed_job.status == TaskResultStatus.READY


def test_writers_do_not_see_background_jobs(writer_client, failed_job):
    url = reverse("admin:articles_backgroundjob_changelist")
    assert writer_client.get(url).status_code == 403
    assert "data-desk=\"jobs\"" not in writer_client.get(reverse("admin:index")).content.decode()


def test_the_admin_index_counts_pending_and_failed_jobs(editor_client, failed_job):
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert 'data-jobs-pending="1"' in page and 'data-jobs-failed="1"' in page


@pytest.mark.django_db
def test_pruning_finished_jobs_takes_their_keys_along(queue):
    enqueue(note_task, key="k", name="a")
    run_tasks()
    DBTaskResult.objects.update(finished_at=timezone.now() - datetime.timedelta(days=8))
    call_command("prune_db_task_results", "--min-age-days", "7", stdout=io.StringIO())
    assert not DBTaskResult.objects.exists() and not JobKey.objects.exists()
