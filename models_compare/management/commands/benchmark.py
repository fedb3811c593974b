"""Benchmark every public page under concurrent load, against the production configuration.

What it measures: gunicorn (the deployment's server, production settings, ``--workers``
sync workers) serving the loaded database on 127.0.0.1, driven by ``wrk`` with
``--threads`` threads and ``--connections`` connections for ``--seconds`` per page, in
``--rounds`` interleaved rounds (every page once per round, the bare view first). The
bare view (``/bench/bare/``: an empty 200 through every middleware) is the ceiling each
page is compared with in the same run. Two servers run side by side: one with the response
cache (``cached``) and one without (``uncached``: every request renders). Requests ask
for gzip, as browsers do. Everything started here is stopped before it returns.

``--in-process`` instead times each page with Django's test client in this process (no
server, no concurrency): useful for query counts, not for throughput.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

LUA = Path(__file__).resolve().parent / "wrk_summary.lua"
BARE = "/bench/bare/"
BARE_EVERY = 4
RESULTS_DIR = Path(settings.BASE_DIR) / "var" / "bench"


@dataclass
class Page:
    name: str
    path: str
    read_by_people: bool = True


def public_pages(sample: dict) -> list[Page]:
    """One URL per public page type; ``sample`` names real slugs of the loaded data."""
    country, federal = sample["country"], sample["federal"]
    compare = "&".join(f"j={slug}" for slug in sample["compare"])
    return [
        Page("home", "/"),
        Page("browse", "/jurisdictions/"),
        Page("browse, filtered", "/jurisdictions/?legal_model=nordic&legal_model=decriminalization&sort=-since"),
        Page("browse, as of 2000, page 2", "/jurisdictions/?as_of=2000-01-01&page=2"),
        Page("jurisdiction", f"/jurisdictions/{country}/"),
        Page("jurisdiction with units", f"/jurisdictions/{federal}/"),
        Page("jurisdiction feed", f"/jurisdictions/{country}/feed/", read_by_people=False),
        Page("compare, empty", "/compare/"),
        Page("compare, four places", f"/compare/?{compare}"),
        Page("models", "/models/"),
        Page("model", "/models/nordic/"),
        Page("model feed", "/models/nordic/feed/", read_by_people=False),
        Page("models over time", "/models/over-time/"),
        Page("models over time CSV", "/models/over-time.csv", read_by_people=False),
        Page("map fragment", "/map/?as_of=2010-12-31"),
        Page("map SVG", "/map.svg?as_of=2000-12-31", read_by_people=False),
        Page("events", "/events/"),
        Page("events feed", "/events/feed/", read_by_people=False),
        Page("export CSV", "/jurisdictions/export.csv", read_by_people=False),
        Page("export JSON", "/jurisdictions/export.json", read_by_people=False),
        Page("panel CSV", "/jurisdictions/panel.csv", read_by_people=False),
        Page("periods JSON", "/periods/export.json", read_by_people=False),
        Page("events CSV", "/events/export.csv", read_by_people=False),
        Page("API schema", "/api/openapi.json", read_by_people=False),
        Page("codebook", "/codebook/"),
        Page("upcoming feed", "/upcoming/feed/", read_by_people=False),
        Page("about", "/about/"),
    ]


def pick_sample() -> dict:
    """Fixed, well-known places when they exist (so runs at every scale compare), else any."""
    from jurisdictions.models import Jurisdiction

    public = Jurisdiction.public
    slugs = set(
        public.filter(slug__in=["sweden", "united-states", "new-zealand", "netherlands", "germany"]).values_list(
            "slug", flat=True
        )
    )
    country = "sweden" if "sweden" in slugs else public.roots().values_list("slug", flat=True).first()
    federal = (
        "united-states"
        if "united-states" in slugs
        else (public.filter(children__isnull=False).values_list("slug", flat=True).first() or country)
    )
    wanted = ["sweden", "new-zealand", "netherlands", "germany"]
    compare = [s for s in wanted if s in slugs] or list(public.roots().values_list("slug", flat=True)[:4])
    if country is None:
        raise CommandError("No published jurisdiction: load the data first (manage.py load_atlas).")
    return {"country": country, "federal": federal, "compare": compare}


@dataclass
class Run:
    requests: int
    seconds: float
    bytes: int
    errors: int
    p50: float
    p95: float
    p99: float
    bare_rps: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Server:
    """One gunicorn serving the production configuration on 127.0.0.1:port."""

    def __init__(self, *, port: int, workers: int, cached: bool, log: Path):
        self.port, self.workers, self.cached, self.log = port, workers, cached, log
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, env: dict[str, str]) -> None:
        env = {**env, "ATLAS_RESPONSE_CACHE": "true" if self.cached else "false"}
        # The same server and flags as `make serve` (README, Deploy), on a loopback port.
        command = [
            str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers), "--no-control-socket", "--access-logfile", str(self.log.with_suffix(".access")),
            "--error-logfile", str(self.log), "--timeout", "30", "--graceful-timeout", "10",
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn, arguments built here)
            command,
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn on port {self.port} exited; see {self.log}")
            try:
                with urllib.request.urlopen(self.base + BARE, timeout=2) as response:  # noqa: S310 (http://127.0.0.1)
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise CommandError(f"gunicorn on port {self.port} did not answer within 30 s; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def wrk(url: str, *, seconds: int, threads: int, connections: int) -> Run:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-H",
        "Accept-Encoding: gzip",
        "-s",
        str(LUA),
        url,
    ]
    # wrk from Debian, against 127.0.0.1 only.
    output = subprocess.run(  # noqa: S603 (wrk with arguments built here)
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    line = next(line for line in reversed(output.splitlines()) if line.startswith("{"))
    data = json.loads(line)
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Run(
        data["requests"],
        data["duration_us"] / 1e6,
        data["bytes"],
        errors,
        data["p50_us"] / 1000,
        data["p95_us"] / 1000,
        data["p99_us"] / 1000,
    )


def median(values):
    return statistics.median(values) if values else 0.0


class Command(BaseCommand):
    help = (
        "Load-test every public page with wrk against gunicorn + production settings on 127.0.0.1, "
        "cached and uncached, with a bare view as the ceiling; prints req/s, ratio to bare, p50/p95/p99, "
        "errors and bytes. --in-process times pages with the test client instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=3, help="wrk duration per page per round")
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
        parser.add_argument("--port", type=int, default=8171, help="first of two ports (cached, uncached)")
        parser.add_argument("--modes", default="cached,uncached")
        parser.add_argument("--label", default="1x", help="names the results file, e.g. 1x, 10x, 100x")
        parser.add_argument(
            "--growth", action="store_true", help="print the 1x/10x/100x table from the saved results and exit"
        )
        parser.add_argument(
            "--pages", default="", help="only the pages whose names contain one of these comma-separated words"
        )
        parser.add_argument("--in-process", action="store_true")
        parser.add_argument("--repeat", type=int, default=20, help="with --in-process: requests per page")

    def handle(self, *args, **opts):
        if opts["growth"]:
            return self.growth()
        sample = pick_sample()
        pages = public_pages(sample)
        if words := [word.strip() for word in opts["pages"].split(",") if word.strip()]:
            pages = [page for page in pages if any(word in page.name for word in words)]
            if not pages:
                raise CommandError(f"No page name contains any of {words}.")
        if opts["in_process"]:
            return self.in_process(pages, opts["repeat"])
        if shutil.which("wrk") is None:
            raise CommandError("wrk is not installed: `make bench` installs it (apt-get install wrk).")
        modes = [m.strip() for m in opts["modes"].split(",") if m.strip()]
        rounds, seconds = opts["rounds"], opts["seconds"]
        estimate = rounds * len(modes) * (len(pages) + len(pages) / BARE_EVERY + 1) * (seconds + 0.3)
        self.stdout.write(
            f"{len(pages)} pages + bare view, {len(modes)} servers, {rounds} rounds of "
            f"{seconds:g} s each: about {estimate / 60:.1f} minutes."
        )
        env = self.server_env()
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        servers = {
            mode: Server(
                port=opts["port"] + index,
                workers=opts["workers"],
                cached=mode == "cached",
                log=RESULTS_DIR / f"gunicorn-{mode}.log",
            )
            for index, mode in enumerate(modes)
        }
        try:
            for server in servers.values():
                server.start(env)
            runs = self.measure(servers, pages, opts)
        finally:
            for server in servers.values():
                server.stop()
        table = self.summarise(runs, modes, pages)
        result = {
            "label": opts["label"],
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": machine(),
            "database": connection.settings_dict["NAME"],
            "jurisdictions": self.count_jurisdictions(),
            "options": {k: opts[k] for k in ("seconds", "rounds", "connections", "threads", "workers")},
            "rows": table,
        }
        (RESULTS_DIR / f"results-{opts['label']}.json").write_text(json.dumps(result, indent=2))
        self.stdout.write(render_table(result))

    def measure(self, servers: dict[str, Server], pages: list[Page], opts) -> dict[tuple[str, str], list[Run]]:
        """Warm every worker, then interleaved rounds. Within a round each server runs the bare
        view, then every page, with the bare view again after every ``BARE_EVERY`` pages: a
        page's ratio is to the bare view measured closest to it in time (the machine is shared)."""
        for mode, server in servers.items():
            for page in pages:
                for _ in range(opts["workers"] if mode == "cached" else 1):
                    try:
                        with urllib.request.urlopen(server.base + page.path, timeout=60) as response:  # noqa: S310 (loopback)
                            response.read()
                    except (OSError, http.client.HTTPException) as error:
                        # Measured all the same: wrk counts its errors and timeouts.
                        self.stderr.write(f"warm-up of {page.path} failed: {error!r:.200}")
        runs: dict[tuple[str, str], list[Run]] = {}
        for round_number in range(1, opts["rounds"] + 1):
            for mode, server in servers.items():
                for index, page in enumerate(pages):
                    if index % BARE_EVERY == 0:
                        bare = self.wrk(server, BARE, opts)
                        runs.setdefault((mode, "bare view"), []).append(bare)
                    run = self.wrk(server, page.path, opts)
                    run.bare_rps = bare.rps
                    runs.setdefault((mode, page.name), []).append(run)
            self.stdout.write(f"round {round_number}/{opts['rounds']} done")
        return runs

    @staticmethod
    def wrk(server: Server, path: str, opts) -> Run:
        return wrk(
            server.base + path, seconds=opts["seconds"], threads=opts["threads"], connections=opts["connections"]
        )

    def server_env(self) -> dict[str, str]:
        """The production settings, on this machine's database, on 127.0.0.1 over plain HTTP."""
        db = connection.settings_dict
        host = quote(str(db["HOST"]), safe="")
        env = dict(os.environ)
        env.update({
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "DATABASE_URL": env.get("DATABASE_URL")
            or f"postgres://{db['USER']}@{host}:{db['PORT']}/{db['NAME']}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "ATLAS_BENCHMARK_VIEW": "true",
        })  # fmt: skip
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            env=env, cwd=settings.BASE_DIR, check=True,
        )  # fmt: skip
        # As `make serve` does: the whole-dataset downloads are files written before serving.
        subprocess.run(
            [sys.executable, "manage.py", "build_exports"], env=env, cwd=settings.BASE_DIR, check=True,
        )  # fmt: skip
        return env

    @staticmethod
    def count_jurisdictions() -> int:
        from jurisdictions.models import Jurisdiction

        return Jurisdiction.objects.count()

    @staticmethod
    def summarise(runs, modes, pages) -> list[dict]:
        rows = []
        for mode in modes:
            for name in ["bare view", *(p.name for p in pages)]:
                page_runs = runs[(mode, name)]
                ratios = [
                    1.0 if name == "bare view" else (run.rps / run.bare_rps if run.bare_rps else 0.0)
                    for run in page_runs
                ]
                total = sum(r.requests for r in page_runs) or 1
                rows.append(
                    {
                        "mode": mode,
                        "page": name,
                        "path": BARE if name == "bare view" else next(p.path for p in pages if p.name == name),
                        "read_by_people": name == "bare view"
                        or next(p.read_by_people for p in pages if p.name == name),
                        "rps": round(median([r.rps for r in page_runs]), 1),
                        "ratio": round(median(ratios), 2),
                        "p50": round(median([r.p50 for r in page_runs]), 2),
                        "p95": round(median([r.p95 for r in page_runs]), 2),
                        "p99": round(median([r.p99 for r in page_runs]), 2),
                        "errors": sum(r.errors for r in page_runs),
                        "bytes": round(sum(r.bytes for r in page_runs) / total),
                    }
                )
        return rows

    def growth(self) -> None:
        results = {}
        for label in ("1x", "10x", "100x"):
            path = RESULTS_DIR / f"results-{label}.json"
            if path.exists():
                results[label] = json.loads(path.read_text())
        if "1x" not in results:
            raise CommandError("No 1x results: run `manage.py benchmark --label 1x` first.")
        self.stdout.write(render_growth(results))

    def in_process(self, pages, repeat) -> None:
        from django.test import Client, override_settings
        from django.test.utils import CaptureQueriesContext

        override_settings(ATLAS_RESPONSE_CACHE=False).enable()
        client = Client(HTTP_HOST="127.0.0.1")
        self.stdout.write("In-process (test client, one request at a time, no server), response cache off:")
        self.stdout.write(f"{'page':32} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'KB':>6}")
        for page in pages:
            client.get(page.path)
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(page.path)
                    timings.append((time.perf_counter() - start) * 1000)
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            size = len(b"".join(response.streaming_content) if response.streaming else response.content)  # type: ignore[attr-defined]
            self.stdout.write(
                f"{page.name:32} {response.status_code:>6} {len(queries.captured_queries):>7} "
                f"{median(timings):>8.1f} {p95:>8.1f} {size // 1024:>6}"
            )


def machine() -> str:
    cpus = os.cpu_count()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = "unknown CPU"
    memory = ""
    try:
        kib = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{cpus} CPUs ({model}){memory}, Python {sys.version.split()[0]}"


def render_table(result: dict) -> str:
    o = result["options"]
    lines = [
        f"Benchmark {result['label']} ({result['when']}; {result['jurisdictions']} jurisdictions; {result['machine']})",
        f"gunicorn {o['workers']} sync workers, production settings; wrk -t{o['threads']} -c{o['connections']}, "
        f"{o['rounds']} interleaved rounds of {o['seconds']:g} s; medians over rounds; gzip accepted.",
        "",
        "| mode | page | req/s | ratio to bare | p50 ms | p95 ms | p99 ms | errors | bytes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['mode']} | {row['page']} | {row['rps']:.0f} | {row['ratio']:.2f} | {row['p50']:.1f} "
            f"| {row['p95']:.1f} | {row['p99']:.1f} | {row['errors']} | {row['bytes']} |"
        )
    return "\n".join(lines)


def render_growth(results: dict) -> str:
    """Per page: time per request (ms = workers / req/s) and the ratio to the bare view at each
    scale; growth is the ratio at 1x over the ratio at Nx, so a busy machine during one run (the
    bare view slows too) does not count as growth."""
    labels = list(results)

    def row_of(label, page):
        rows = results[label]["rows"]
        return next((r for r in rows if r["mode"] == "uncached" and r["page"] == page), None)

    header = (
        "| page | "
        + " | ".join(f"{label}: ms (ratio to bare)" for label in labels)
        + " | "
        + " | ".join(f"{label} time / 1x" for label in labels[1:])
        + " |"
    )
    lines = [
        " · ".join(f"{label}: {r['jurisdictions']} jurisdictions" for label, r in results.items()),
        "",
        header,
        "|---|" + "---:|" * (len(labels) * 2 - 1),
    ]
    for page in [r["page"] for r in results["1x"]["rows"] if r["mode"] == "uncached"]:
        cells: list[str] = []
        ratios: list[float | None] = []
        for label in labels:
            row = row_of(label, page)
            if row is None or not row["rps"]:
                cells.append("–")
                ratios.append(None)
                continue
            ms = results[label]["options"]["workers"] / row["rps"] * 1000
            cells.append(f"{ms:.0f} ({row['ratio']:.2f})")
            ratios.append(row["ratio"])
        growth = [f"{ratios[0] / r:.2f}" if r and ratios[0] else "–" for r in ratios[1:]]
        lines.append(f"| {page} | " + " | ".join(cells) + " | " + " | ".join(growth) + " |")
    return "\n".join(lines)
