"""`make image-check`: prove the function images work, without Docker.

1. Build each image's root filesystem from the same install script its Dockerfile runs
   (scripts/image_root.py: debootstrap of bookworm-slim for FROM, the build context
   copied to /opt/build, the Dockerfile's one RUN, functions/<function>/install.sh, in a
   chroot with Docker's build environment). A Dockerfile of any other shape fails.
2. Check the recipe's inputs: requirements.txt pins what constraints.txt pins,
   and every pinned wheel and apt package also exists for arm64 (nothing assumes x86_64).
3. Inside the root (read-only, private /tmp, an unprivileged user, the image's
   ENV, no host libraries), run `tesseract --version`, the CLI on a generated
   scan of each form with the key fields checked against the generator's ground
   truth, a cold start (fresh process: import the handler module, extract the
   first page), and the image's own ENTRYPOINT + CMD serving one SQS-wrapped S3
   event through a local Lambda Runtime API, against moto on 127.0.0.1.
4. Print the figures: root size, cold start, seconds per page inside vs host.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from image_checks import CheckFailed, Tally, check_review_image, run_checks
from image_root import DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, BuildError, Image, Log, build

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO / "functions/extract/Dockerfile"
REVIEW_DOCKERFILE = REPO / "functions/review/Dockerfile"
INSTALL_SCRIPT = REPO / "functions/extract/install.sh"
REQUIREMENTS = REPO / "functions/extract/requirements.txt"
CONSTRAINTS = REPO / "constraints.txt"
DEFAULT_CACHE = Path(os.environ.get("IMAGE_CHECK_DIR", "/var/tmp/medextract-image-check"))


def host_ca_bundle() -> list[tuple[Path, str]]:
    """The build host's trust store for pip in RUN steps (egress proxies re-sign TLS)."""
    for candidate in (os.environ.get("PIP_CERT"), "/etc/ssl/certs/ca-certificates.crt"):
        if candidate and Path(candidate).is_file():
            return [(Path(candidate), "/mnt/build-host-ca.pem")]
    return []


def build_image(cache: Path, log: Log, dockerfile: Path = DOCKERFILE) -> Image:
    ca = host_ca_bundle()
    return build(
        dockerfile,
        REPO,
        cache,
        log,
        build_files=ca,
        build_env={"PIP_CERT": ca[0][1]} if ca else {},
    )


def check_requirements(log: Log) -> None:
    """requirements.txt and constraints.txt agree on every version they both pin."""

    def pins(path: Path) -> dict[str, str]:
        out = {}
        for line in path.read_text().splitlines():
            m = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
            if m:
                out[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
        return out

    req, cons = pins(REQUIREMENTS), pins(CONSTRAINTS)
    drift = {n: (v, cons[n]) for n, v in req.items() if n in cons and cons[n] != v}
    if drift:
        raise CheckFailed(
            "requirements.txt and constraints.txt pin different versions: "
            + ", ".join(f"{n} {a} != {b}" for n, (a, b) in sorted(drift.items()))
        )
    unpinned = [
        line
        for line in REQUIREMENTS.read_text().splitlines()
        if line.strip() and not line.startswith("#") and "==" not in line
    ]
    if unpinned:
        raise CheckFailed(f"requirements.txt has unpinned lines: {unpinned}")
    log(f"requirements.txt: {len(req)} pins, all agreeing with constraints.txt")


def apt_pins() -> list[str]:
    """`package=version` pins of the extract image's apt installs: the OCR layer's
    (`"pkg=$VERSION"`) and its install script's own (`'pkg=version'`)."""
    script = (REPO / "layers/tesseract/install.sh").read_text()
    variables = dict(re.findall(r"^([A-Z_]+)='([^']*)'", script, flags=re.M))
    pins = [
        f"{pkg}={variables[var]}"
        for pkg, var in re.findall(r'"([a-z0-9.+-]+)=\$([A-Z_]+)"', script)
    ]
    pins += re.findall(r"'([a-z0-9.+-]+=[^']+)'", INSTALL_SCRIPT.read_text())
    return pins


def check_arm64_packages(log: Log, cache: Path) -> None:
    """The same apt pins resolve for arm64 in Debian's archive (a simulation, no install)."""
    pins = apt_pins()
    if len(pins) < 5:
        raise CheckFailed(f"found only {pins} as apt pins; has install.sh's form changed?")
    d = cache / "apt-arm64"
    for sub in ("lists/partial", "cache/archives/partial", "parts"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    (d / "status").touch()
    signed = "signed-by=/usr/share/keyrings/debian-archive-keyring.gpg"
    (d / "sources.list").write_text(
        f"deb [arch=arm64 {signed}] {DEBIAN_MIRROR} bookworm bookworm-updates main\n"
        f"deb [arch=arm64 {signed}] {DEBIAN_SECURITY_MIRROR} bookworm-security main\n"
    )
    opts = [
        "-o", f"Dir::State::Lists={d}/lists", "-o", f"Dir::State::status={d}/status",
        "-o", f"Dir::Cache={d}/cache", "-o", f"Dir::Etc::SourceList={d}/sources.list",
        "-o", f"Dir::Etc::SourceParts={d}/parts", "-o", "APT::Architecture=arm64",
        "-o", "APT::Architectures::=arm64", "-o", "Debug::NoLocking=1", "-qq",
    ]  # fmt: skip
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["update"], ["install", "-s", "--no-install-recommends", *pins]):
        res = subprocess.run(["apt-get", *opts, *cmd], capture_output=True, text=True, env=env)
        if res.returncode != 0:
            raise CheckFailed(f"apt-get {cmd[0]} for arm64 failed:\n{res.stderr[-1500:]}")
    log(f"apt: the {len(pins)} pinned Debian packages resolve for arm64 too")


def check_arm64_wheels(log: Log) -> None:
    """Every pinned package resolves to a wheel for Lambda's arm64 too (metadata only)."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-deps",
            "--ignore-installed", "--only-binary=:all:", "--python-version", "3.11",
            "--implementation", "cp", "--abi", "cp311",
            "--platform", "manylinux_2_28_aarch64", "--platform", "manylinux_2_17_aarch64",
            "--platform", "manylinux2014_aarch64", "--target", tmp, "-r", str(REQUIREMENTS),
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_FIND_LINKS")}
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        tail = "\n".join(res.stderr.strip().splitlines()[-5:])
        raise CheckFailed(f"a pinned requirement has no arm64 wheel:\n{tail}")
    log("requirements.txt: every pin has a manylinux aarch64 wheel (arm64 builds will work)")


@contextlib.contextmanager
def locked(cache: Path):
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--build-only", action="store_true", help="build the root and stop")
    opts = parser.parse_args(argv)
    log = Log()
    tally = Tally()
    try:
        check_requirements(log)
        tally.passed += 1
        check_arm64_wheels(log)
        tally.passed += 1
        with locked(opts.cache):
            check_arm64_packages(log, opts.cache)
            tally.passed += 1
            image = build_image(opts.cache, log)
            tally.passed += 1
            log(f"root: {image.root} (command: {' '.join(image.command)})")
            if opts.build_only:
                return 0
            run_checks(image, log, tally)
            # The review function's own image: its handler imports, nothing of the reader.
            check_review_image(build_image(opts.cache, log, REVIEW_DOCKERFILE), log)
            tally.passed += 1
    except (BuildError, CheckFailed) as exc:
        log(f"FAILED: {exc}")
        print(tally.line(failed=1))
        return 1
    print(tally.line(failed=0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
