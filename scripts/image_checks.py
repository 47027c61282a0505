"""What `make image-check` runs inside the built root (see scripts/image_check.py).

Every probe runs the image's own binaries and Python from its root: read-only,
with a private tmpfs /tmp, as an unprivileged user, with the Dockerfile's ENV
plus what Lambda adds. Samples and the probe script come in on a read-only bind
mount at /mnt. The host side only generates samples (medextract_dev.synth), plays
AWS (moto's server on 127.0.0.1) and plays Lambda's Runtime API.
"""

from __future__ import annotations

import http.server
import json
import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from image_root import Image, Log, chroot_argv

REPO = Path(__file__).resolve().parent.parent
# Lambda runs the function as an unprivileged user on a read-only root.
LAMBDA_UID = "993:990"
ROOT_LIMIT_BYTES = 1_000_000_000
# The handler's import is judged by what it loads (no OCR, no AWS client, no tracing SDK:
# those wait for the first event) and only against a wide time bound that catches a
# catastrophe, not a loaded machine: it measures 0.3-0.6 s quiet and 1.61 s was seen under
# load, so 1.5 s failed CI on a timing. The seconds are reported as a figure.
IMPORT_LIMIT_SECONDS = 6.0


class CheckFailed(Exception):
    """The image does not do what the check expects."""


def du_bytes(root: Path) -> int:
    out = subprocess.run(
        ["du", "-sxb", str(root)], check=True, capture_output=True, text=True
    ).stdout
    return int(out.split()[0])


def run_inside(
    image: Image,
    argv: list[str],
    *,
    extra_env: dict[str, str] | None = None,
    binds: list[tuple[Path, str]] | None = None,
    timeout: float = 600,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run argv inside the image root as Lambda would: read-only, private /tmp, not root."""
    cmd = chroot_argv(
        image.root,
        argv,
        cwd=image.workdir,
        user=LAMBDA_UID,
        read_only=True,
        tmpfs=["/tmp"],
        binds=binds or [],
    )
    env = {**image.env, **(extra_env or {})}
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and res.returncode != 0:
        raise CheckFailed(
            f"inside the image, {' '.join(argv)[:200]} exited {res.returncode}:\n"
            + res.stderr[-3000:]
        )
    return res


HOST_PY = Path(sys.executable)
SEED = 11  # the seed the core's own OCR tests use for clean documents
KEY_FIELDS = {
    "prescription": ["patient_name", "patient_address", "medicines", "directions", "refills"],
    "patient_details": [
        "patient_name",
        "phone_number",
        "medical_problems",
        "hepatitis_b_vaccination",
    ],
}
TIMING_DOCS = 4  # degraded documents (mixed forms and formats) timed inside and on the host
TIMING_ROUNDS = 2
PATIENT_NAMES: list[str] = []  # of the documents the handler is given
REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


@dataclass
class Figures:
    rows: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, value: str) -> None:
        self.rows.append((name, value))

    def print(self) -> None:
        width = max(len(n) for n, _ in self.rows)
        print("\nimage-check figures")
        for name, value in self.rows:
            print(f"  {name:<{width}}  {value}")
        print()


# --------------------------------------------------------------------------- samples


def on_host(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """A command on the host side (the dev venv), its failure a check failure."""
    res = subprocess.run(argv, capture_output=True, text=True)
    if res.returncode != 0:
        raise CheckFailed(
            f"on the host, {' '.join(argv)[:200]} exited {res.returncode}:\n{res.stderr[-2000:]}"
        )
    return res


def generate(out: Path, *args: str) -> list[tuple[Path, dict[str, Any]]]:
    """`python -m medextract_dev.synth ...` on the host; (file, ground truth) pairs."""
    on_host([str(HOST_PY), "-m", "medextract_dev.synth", "--out", str(out), *args])
    docs = []
    for line in (out / "manifest.jsonl").read_text().splitlines():
        entry = json.loads(line)
        docs.append((out / entry["filename"], entry))
    return docs


def same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def check_fields(result: dict[str, Any], truth: dict[str, Any], where: str) -> tuple[int, int]:
    """Every field right or flagged for review (the core's promise); counts key fields right."""
    if result["document_type"] != truth["document_type"]:
        raise CheckFailed(
            f"{where}: classified as {result['document_type']}, truth {truth['document_type']}"
        )
    wrong_unflagged = []
    for name, want in truth["fields"].items():
        got = result["fields"].get(name) or {}
        if not same(got.get("value"), want) and not got.get("needs_review"):
            wrong_unflagged.append(name)
    if wrong_unflagged:
        raise CheckFailed(f"{where}: wrong and not flagged for review: {wrong_unflagged}")
    keys = KEY_FIELDS[truth["document_type"]]
    right = sum(
        same((result["fields"].get(k) or {}).get("value"), truth["fields"][k]) for k in keys
    )
    return right, len(keys)


# --------------------------------------------------------------------------- the Runtime API


class RuntimeAPI:
    """Lambda's Runtime API (2018-06-01), enough for awslambdaric to serve invocations."""

    def __init__(self, function_arn: str) -> None:
        self.function_arn = function_arn
        self.pending: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self.results: dict[str, queue.Queue[tuple[str, Any]]] = {}
        self.init_error: Any = None
        self.first_poll: float | None = None
        self.stopping = threading.Event()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _reply(self, code: int, body: bytes = b"", headers: dict[str, str] | None = None):
                self.send_response(code)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path != "/2018-06-01/runtime/invocation/next":
                    return self._reply(404)
                if api.first_poll is None:
                    api.first_poll = time.monotonic()
                while not api.stopping.is_set():
                    try:
                        request_id, event = api.pending.get(timeout=0.2)
                    except queue.Empty:
                        continue
                    deadline = int((time.time() + 300) * 1000)
                    trace = f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0"
                    return self._reply(
                        200,
                        json.dumps(event).encode(),
                        {
                            "Content-Type": "application/json",
                            "Lambda-Runtime-Aws-Request-Id": request_id,
                            "Lambda-Runtime-Deadline-Ms": str(deadline),
                            "Lambda-Runtime-Invoked-Function-Arn": api.function_arn,
                            "Lambda-Runtime-Trace-Id": trace,
                        },
                    )
                self.close_connection = True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = self.path.strip("/").split("/")
                if parts[-2:] == ["init", "error"]:
                    api.init_error = body.decode(errors="replace")
                    for q in api.results.values():
                        q.put(("init-error", api.init_error))
                    return self._reply(202)
                if (
                    len(parts) == 5
                    and parts[2] == "invocation"
                    and parts[4] in ("response", "error")
                ):
                    waiting = api.results.get(parts[3])
                    if waiting is None:
                        return self._reply(400)
                    waiting.put((parts[4], json.loads(body or b"null")))
                    return self._reply(202)
                return self._reply(404)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def invoke(self, event: dict[str, Any], timeout: float = 300) -> Any:
        request_id = str(uuid.uuid4())
        q: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.results[request_id] = q
        self.pending.put((request_id, event))
        try:
            kind, payload = q.get(timeout=timeout)
        except queue.Empty:
            raise CheckFailed("the function did not answer its invocation in time") from None
        if kind != "response":
            raise CheckFailed(f"the function answered with {kind}: {json.dumps(payload)[:2000]}")
        return payload

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def moto_server():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@contextmanager
def started(argv: list[str], env: dict[str, str], log_path: Path):
    """A long-running process in its own session, ended (by its group id) on exit."""
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


# --------------------------------------------------------------------------- the checks


def check_size(image: Image, figures: Figures, log: Log) -> None:
    size = du_bytes(image.root)
    figures.add(
        "root filesystem (image) size",
        f"{size / 1e6:.0f} MB (limit {ROOT_LIMIT_BYTES / 1e6:.0f} MB)",
    )
    venv = du_bytes(image.root / "opt/venv")
    figures.add("  of which the Python venv", f"{venv / 1e6:.0f} MB")
    if size >= ROOT_LIMIT_BYTES:
        raise CheckFailed(f"the image root is {size / 1e6:.0f} MB, over the 1 GB bar")
    log(f"size: {size / 1e6:.0f} MB")


def check_tesseract(image: Image, figures: Figures, log: Log) -> None:
    out = run_inside(image, ["tesseract", "--version"])
    first = (out.stdout or out.stderr).splitlines()[0]
    if not first.startswith("tesseract 5.3.0"):
        raise CheckFailed(f"tesseract --version inside the image says {first!r}")
    langs = run_inside(image, ["tesseract", "--list-langs"]).stdout.splitlines()[1:]
    if "eng" not in langs:
        raise CheckFailed(f"tesseract inside the image lacks eng data: {langs}")
    pkgs = run_inside(
        image,
        [
            "dpkg-query",
            "-W",
            "-f=${Package}=${Version} ",
            "tesseract-ocr",
            "poppler-utils",
            "python3.11",
        ],
    ).stdout
    figures.add("OCR layer", f"{first}; {pkgs.strip()}")
    log(f"inside: {first}, languages {' '.join(sorted(langs))}")


def check_cli(image: Image, samples: Path, figures: Figures, log: Log) -> dict[str, Path]:
    """`medextract extract` inside on a clean scan of each form: truth, and host equality."""
    firsts: dict[str, Path] = {}
    for doc_type in KEY_FIELDS:
        out = samples / f"clean-{doc_type}"
        args = ["--seed", str(SEED), "--count", "1", "--type", doc_type, "--format", "pdf"]
        ((path, truth),) = generate(out, *args, "--clean")
        inside_path = f"/mnt/{out.name}/{path.name}"
        inside = run_inside(
            image, ["medextract", "extract", inside_path], binds=[(samples, "/mnt")]
        )
        result = json.loads(inside.stdout)
        if "PP-OCRv6" not in result["engine"]:
            raise CheckFailed(f"inside, {doc_type}: read without the second reader")
        right, total = check_fields(result, truth, f"inside, {doc_type}")
        host = on_host([str(HOST_PY.parent / "medextract"), "extract", str(path)])
        host_result = json.loads(host.stdout)
        differ = [
            n
            for n in sorted(set(result["fields"]) | set(host_result["fields"]))
            if not same(
                (result["fields"].get(n) or {}).get("value"),
                (host_result["fields"].get(n) or {}).get("value"),
            )
        ]
        if differ:
            raise CheckFailed(
                f"{doc_type}: the image and the host read different values for {differ}"
            )
        figures.add(
            f"CLI inside, clean {doc_type} PDF",
            f"{right}/{total} key fields exact, the rest flagged; identical to the host; "
            f"read by {result['engine']}",
        )
        log(
            f"CLI inside: {doc_type} ok ({right}/{total} key fields exact, same values as the host)"
        )
        firsts[doc_type] = path
        # Kept for the handler check: its output must not carry them.
        PATIENT_NAMES.append(str(truth["fields"]["patient_name"]))
    return firsts


def check_coldstart(
    image: Image, samples: Path, first: Path, handler: str, figures: Figures, log: Log
) -> None:
    shutil.copy(Path(__file__).with_name("image_probe.py"), samples / "image_probe.py")
    rel = first.relative_to(samples)
    t0 = time.monotonic()
    res = run_inside(
        image,
        ["python", "/mnt/image_probe.py", "coldstart", handler, f"/mnt/{rel}"],
        binds=[(samples, "/mnt")],
    )
    wall = time.monotonic() - t0
    probe = json.loads(res.stdout.strip().splitlines()[-1])
    imp = probe["handler_import_s"]
    figures.add(
        "cold start: import of the handler module", f"{imp:.2f} s (bar {IMPORT_LIMIT_SECONDS} s)"
    )
    figures.add(
        "  heavy modules loaded by that import",
        ", ".join(probe["heavy_modules_loaded_by_import"]) or "none",
    )
    figures.add("cold start: then the first page extracted", f"{probe['first_page_s']:.2f} s")
    figures.add(
        "  OCR engine (tesseract's library in-process)",
        f"{probe['ocr_engine']} ({probe['ocr_binding']}, {probe['ocr_version']})",
    )
    if probe["ocr_engine"] != "TesseractLibrary":
        raise CheckFailed(f"the image reads with {probe['ocr_engine']}, not tesseract's library")
    figures.add("cold start: whole process, spawn to exit", f"{wall:.2f} s")
    dev_only = probe["dev_only_modules_present"]
    figures.add("  development tools in the image", ", ".join(dev_only) or "none")
    if dev_only:
        raise CheckFailed(f"the image holds development tools: {', '.join(dev_only)}")
    problem = import_verdict(imp, probe["heavy_modules_loaded_by_import"])
    if problem:
        raise CheckFailed(f"importing {handler} in a fresh process: {problem}")
    log(f"cold start: import {imp:.2f} s, first page {probe['first_page_s']:.2f} s")


def import_verdict(seconds: float, heavy_modules: list[str]) -> str | None:
    """Why the handler's import fails the check, or None: heavy modules loaded, or a
    time past the wide bound."""
    if heavy_modules:
        return f"loads {', '.join(heavy_modules)} (they belong to the first event)"
    if seconds >= IMPORT_LIMIT_SECONDS:
        return f"takes {seconds:.2f} s (bound {IMPORT_LIMIT_SECONDS} s)"
    return None


def check_speed(image: Image, samples: Path, figures: Figures, log: Log) -> None:
    """Seconds per page of extract(), inside and on the host, alternated; best of rounds."""
    out = samples / "timing"
    docs = generate(out, "--seed", "7", "--count", str(TIMING_DOCS))
    rels = [f"/mnt/timing/{p.name}" for p, _ in docs]
    inside_runs, host_runs = [], []
    for _ in range(TIMING_ROUNDS):
        res = run_inside(
            image, ["python", "/mnt/image_probe.py", "pages", *rels], binds=[(samples, "/mnt")]
        )
        inside_runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
        res = on_host(
            [str(HOST_PY), str(samples / "image_probe.py"), "pages", *(str(p) for p, _ in docs)]
        )
        host_runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
    inside = min(r["seconds_per_page"] for r in inside_runs)
    host = min(r["seconds_per_page"] for r in host_runs)
    figures.add(
        "seconds per page, inside vs host",
        f"{inside:.2f} s vs {host:.2f} s (best of {TIMING_ROUNDS} alternated runs over "
        f"{inside_runs[0]['pages']} pages of {TIMING_DOCS} degraded scans, warm process)",
    )
    log(f"speed: {inside:.2f} s/page inside, {host:.2f} on the host")


def lambda_environment(
    image: Image, stack: Any, endpoint: str, runtime_api: str, memory: int
) -> dict[str, str]:
    """What Lambda sets for a container image function, plus the template's variables."""
    name = "medextract-image-check-ExtractFunction"
    return {
        **image.env,
        **stack.environment(),
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]imagecheck",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "_HANDLER": image.cmd[0] if image.cmd else "",
    }


def template_command(image: Image) -> list[str]:
    """ENTRYPOINT + the template's ImageConfig.Command (which overrides CMD), checked alike."""
    from medextract_dev.aws_local import FUNCTION, load_template

    props = load_template()["Resources"][FUNCTION]
    dockerfile = props.get("Metadata", {}).get("Dockerfile")
    if (
        dockerfile
        and (REPO / props["Metadata"].get("DockerContext", ".") / dockerfile).resolve()
        != (REPO / "functions/extract/Dockerfile").resolve()
    ):
        raise CheckFailed(f"template.yaml builds {dockerfile}, not functions/extract/Dockerfile")
    command = props["Properties"].get("ImageConfig", {}).get("Command")
    if command and command != image.cmd:
        raise CheckFailed(
            f"template.yaml's ImageConfig.Command {command} != the Dockerfile's CMD {image.cmd}"
        )
    return [*image.entrypoint, *(command or image.cmd)]


def check_handler(
    image: Image, samples: Path, docs: dict[str, Path], figures: Figures, log: Log
) -> None:
    """The image's ENTRYPOINT + CMD, served one SQS batch of S3 notifications, against moto."""
    import boto3
    from medextract.aws.config import PipelineSettings
    from medextract.aws.storage import PAGES_PREFIX
    from medextract_dev.aws_local import LocalQueueRunner, create_stack, queue_depth

    command = template_command(image)
    with moto_server() as endpoint:
        saved = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", *FAKE_CREDENTIALS)}
        os.environ.update({"AWS_ENDPOINT_URL": endpoint, **FAKE_CREDENTIALS})
        try:
            session = boto3.Session(region_name=REGION)
            if not session.client("sts").meta.endpoint_url.startswith("http://127.0.0.1"):
                raise CheckFailed("refusing to run: boto3 is not pointed at the local moto server")
            stack = create_stack(session, prefix="medextract-image-check")
            s3 = session.client("s3")
            for doc_type, path in docs.items():
                s3.put_object(
                    Bucket=stack.input_bucket,
                    Key=f"incoming/{doc_type}/{path.name}",
                    Body=path.read_bytes(),
                )
            api = RuntimeAPI(
                f"arn:aws:lambda:{REGION}:123456789012:function:medextract-image-check"
            )
            env = lambda_environment(
                image, stack, endpoint, api.address, int(stack.parameter("MemorySize"))
            )
            argv = chroot_argv(
                image.root,
                command,
                cwd=image.workdir,
                user=LAMBDA_UID,
                read_only=True,
                tmpfs=["/tmp"],
            )
            log_path = samples / "function.log"
            t0 = time.monotonic()
            try:
                with started(argv, env, log_path) as proc:
                    responses: list[Any] = []

                    def invoke(event: dict[str, Any], context: Any) -> dict[str, Any]:
                        if proc.poll() is not None:
                            raise CheckFailed("the function's process exited")
                        responses.append(api.invoke(event))
                        return responses[-1]

                    stats = LocalQueueRunner(session, stack, invoke).drain(max_invocations=5)
                    init = (api.first_poll or t0) - t0
            except CheckFailed as exc:
                tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
                raise CheckFailed(f"{exc}\nfunction output:\n{tail}") from None
            finally:
                api.close()
            if stats.failures:
                raise CheckFailed(
                    f"the handler reported {stats.failures} batch item failures: {responses}"
                )
            items = session.client("dynamodb").scan(TableName=stack.results_table)["Items"]
            statuses = sorted(i["status"]["S"] for i in items)
            # The output bucket holds each document's result JSON and, beside it, the page
            # images a reviewer sees (one per page read).
            prefix = PipelineSettings.model_fields["output_prefix"].default
            listed = s3.list_objects_v2(Bucket=stack.output_bucket, Prefix=prefix)
            results = listed.get("KeyCount", 0)
            listed = s3.list_objects_v2(Bucket=stack.output_bucket, Prefix=PAGES_PREFIX)
            pages = listed.get("KeyCount", 0)
            left = queue_depth(session, stack.queue_url)
            if len(items) != len(docs) or results != len(docs) or pages < len(docs) or left:
                raise CheckFailed(
                    f"after the handler: {len(items)} items ({statuses}), {results} result "
                    f"objects, {pages} page images, {left} messages left; expected "
                    f"{len(docs)}, {len(docs)}, at least {len(docs)}, 0"
                )
            if any(s == "FAILED" for s in statuses):
                raise CheckFailed(f"the handler marked a good document FAILED: {statuses}")
            output = log_path.read_text(errors="replace")
            leaked = [n for n in PATIENT_NAMES if n and n.lower() in output.lower()]
            if leaked:
                raise CheckFailed("the function's output names a patient of its documents")
            for item in items:  # each item says which form its object is
                doc_type = item["source_key"]["S"].split("/")[1]
                got = (item.get("document_type") or {}).get("S")
                if got != doc_type:
                    raise CheckFailed(f"the handler read a {doc_type} as {got}")
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    figures.add(
        "handler in the image (awslambdaric, moto)",
        f"{stats.messages} S3 notifications via SQS in {stats.invocations} invocation(s): "
        f"{', '.join(statuses)}; {results} result JSON, {pages} page images",
    )
    figures.add("cold start: init (process start to first poll)", f"{init:.2f} s")
    log(f"handler: {stats.messages} messages -> {statuses}; init {init:.2f} s")


# What the review function's image must not hold: the reader's libraries and binaries.
READER_MODULES = ("cv2", "numpy", "onnxruntime", "rapidocr", "tesserocr", "PIL", "pdf2image")
READER_BINARIES = ("usr/bin/tesseract", "usr/bin/pdftoppm")


def check_review_image(image: Image, log: Log) -> None:
    """functions/review/Dockerfile's root: its CMD is the review handler, which imports in
    a fresh process; none of the reader's modules can be imported, no OCR binary is there."""
    if image.cmd != ["functions.review.app.handler"]:
        raise CheckFailed(f"the review image's CMD is {image.cmd}")
    probe = (
        "import importlib.util, json, sys, time\n"
        "t = time.perf_counter()\n"
        "import functions.review.app\n"
        "seconds = time.perf_counter() - t\n"
        f"present = [m for m in {READER_MODULES!r} if importlib.util.find_spec(m)]\n"
        "print(json.dumps({'import_s': seconds, 'reader_modules': present}))\n"
    )
    res = run_inside(image, ["python", "-c", probe], extra_env={"AWS_DEFAULT_REGION": REGION})
    out = json.loads(res.stdout.strip().splitlines()[-1])
    binaries = [b for b in READER_BINARIES if (image.root / b).exists()]
    if out["reader_modules"] or binaries:
        raise CheckFailed(
            f"the review image holds the reader: {', '.join(out['reader_modules'] + binaries)}"
        )
    size = du_bytes(image.root) / 1e6
    log(
        f"review image: {size:.0f} MB; handler import {out['import_s']:.2f} s; "
        "no OpenCV, numpy, onnxruntime, tesseract or poppler"
    )


class Tally:
    """Counts checks for the closing `N passed, N failed` line CI reads."""

    def __init__(self) -> None:
        self.passed = 0

    def line(self, failed: int) -> str:
        return f"image-check: {self.passed} passed, {failed} failed"


def run_checks(image: Image, log: Log, tally: Tally) -> None:
    figures = Figures()
    if not image.command or image.command[:3] != ["/opt/venv/bin/python", "-m", "awslambdaric"]:
        raise CheckFailed(f"the image does not start awslambdaric: {image.command}")
    handler = image.cmd[0].rsplit(".", 1)[0]
    check_size(image, figures, log)
    tally.passed += 1
    check_tesseract(image, figures, log)
    tally.passed += 1
    with tempfile.TemporaryDirectory(prefix="medextract-image-check-") as tmp:
        samples = Path(tmp)
        os.chmod(samples, 0o755)
        docs = check_cli(image, samples, figures, log)
        tally.passed += 1
        check_coldstart(image, samples, docs["prescription"], handler, figures, log)
        tally.passed += 1
        check_speed(image, samples, figures, log)
        tally.passed += 1
        check_handler(image, samples, docs, figures, log)
        tally.passed += 1
    figures.print()
