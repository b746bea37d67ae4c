"""Run the background jobs queued by the site (renders, related lists, renditions, conversions).

``run_tasks`` runs every job that is due and exits: for scripts, cron and CI. ``--forever`` keeps waiting for new
ones: what ``make run`` and production run beside gunicorn. Several may run at once, on one host or many: each
job is claimed by one worker only. Prints a line per job and ``done N, retrying N, failed N``; the exit status is
1 when a job failed for good (after its retries). Under a backend that keeps no queue (the immediate backend runs
jobs as they are queued) there is nothing to do. See ``articles.jobs``.
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from articles import jobs


class Command(BaseCommand):
    help = (
        "執行排隊中的背景工作（重新產生頁面、相關文章、圖片尺寸、繁簡轉換）。預設執行所有已到期的工作後結束"
        "（給腳本、cron、CI 用）；--forever 持續等待新工作（make run 與正式環境在 gunicorn 旁執行）。"
        "可同時執行多個，同一個工作只會由一個執行。有工作重試後仍失敗時結束代碼為 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--forever", action="store_true",
                            help="不結束：持續等待並執行新工作，直到收到 SIGTERM 或 Ctrl-C（做完手上的工作才停）。")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="沒有工作時，隔幾秒再檢查一次（預設 1）。")
        parser.add_argument("--max-jobs", type=int, default=None,
                            help="最多執行幾次工作後結束（預設不限）。")
        parser.add_argument("--backend", default="default", help="TASKS 設定中的後端名稱（預設 default）。")

    def handle(self, *args, forever: bool = False, interval: float = 1.0, max_jobs: int | None = None,
               backend: str = "default", verbosity: int = 1, **options):
        if interval < 0 or (max_jobs is not None and max_jobs < 1):
            raise CommandError("--interval must be >= 0 and --max-jobs >= 1.")
        try:
            queued = jobs.uses_queue(backend)
        except Exception as error:
            raise CommandError(f"Unknown task backend {backend!r}: {error}") from error
        if not queued:
            self.stdout.write(f"Backend {backend!r} keeps no queue (jobs run where they are queued): nothing to do.")
            return

        stop = threading.Event()
        if forever and threading.current_thread() is threading.main_thread():
            def request_stop(signum, frame):
                if stop.is_set():
                    raise SystemExit(1)  # a second signal: stop now, the job is tried again later
                self.stderr.write("Stopping after the current job (send again to stop at once)…")
                stop.set()

            signal.signal(signal.SIGTERM, request_stop)
            # Started in the background by a shell (make run), SIGINT is ignored: the shell stops us with SIGTERM.
            if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
                signal.signal(signal.SIGINT, request_stop)
            self.stdout.write(f"Waiting for background jobs (backend {backend!r}); Ctrl-C to stop.")

        def report(outcome: jobs.Outcome) -> None:
            if verbosity < 1:
                return
            job = outcome.job
            what = f"{job.task_path} {job.args_kwargs.get('kwargs', {})}"
            if outcome.state == "done":
                self.stdout.write(f"done      {what} ({outcome.seconds:.2f} s)")
            elif outcome.state == "retrying":
                self.stdout.write(self.style.WARNING(
                    f"retrying  {what}: {outcome.error} (attempt {len(job.worker_ids)}, next in {outcome.retry_in} s)"))
            else:
                self.stdout.write(self.style.ERROR(
                    f"FAILED    {what}: {outcome.error} (after {len(job.worker_ids)} attempts; job {job.id})"))
            self.stdout.flush()

        summary = jobs.run_pending(alias=backend, forever=forever, interval=interval, max_jobs=max_jobs,
                                   on_outcome=report, should_stop=stop.is_set)
        line = f"done {summary.done}, retrying {summary.retrying}, failed {summary.failed}"
        if summary.failed:
            self.stdout.write(self.style.ERROR(line))
            raise CommandError(f"{summary.failed} 個背景工作重試後仍失敗（見上方；管理後台 → 背景工作）。",
                               returncode=1)
        self.stdout.write(self.style.SUCCESS(line))
