"""A function image's root filesystem without Docker, from the same install script.

Each function's Dockerfile is a base, the build context copied to /opt/build, one RUN of
the function's install.sh, and its runtime configuration (ENV, WORKDIR, ENTRYPOINT, CMD).
Everything that puts files in the image is in the script, so the check needs no
Dockerfile interpreter: it reproduces the base, copies the same context to the same path,
runs the Dockerfile's one RUN line with Docker's environment in a chroot, and reads the
runtime configuration as data. `read_dockerfile` holds the Dockerfile to that shape: any
other instruction, a second RUN, a flag or a variable is an error, never a silent skip.

The base `debian:bookworm-slim` is reproduced the way its publisher builds it
(debuerreotype): `debootstrap --variant=minbase`, the deb822 sources for bookworm,
-updates and -security, the container apt/dpkg configuration, and the "slim" dpkg path
excludes applied to the files already installed.

Cache: the base, keyed on its recipe and mirror; each function's root, keyed on the base,
its Dockerfile and the bytes of the context (any change reruns its install script, as
Docker's layer cache reruns the RUN after a changed COPY).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEBIAN_MIRROR = os.environ.get("IMAGE_CHECK_MIRROR", "http://deb.debian.org/debian")
DEBIAN_SECURITY_MIRROR = os.environ.get(
    "IMAGE_CHECK_SECURITY_MIRROR", "http://deb.debian.org/debian-security"
)
BASE_IMAGE = "debian:bookworm-slim"
BASE_RECIPE_VERSION = "4"
# Where each Dockerfile copies the build context, and what Docker gives its RUN step as
# root when the Dockerfile declares no ENV or ARG before it: the whole environment the
# install scripts run with, here as there.
BUILD_DIR = "/opt/build"
DOCKER_DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BUILD_ENV = {"PATH": DOCKER_DEFAULT_PATH, "HOME": "/root"}


class BuildError(Exception):
    """The Dockerfile leaves the shape the check reads, or its install script failed."""


class Log:
    def __init__(self, stream=sys.stderr) -> None:
        self.t0 = time.monotonic()
        self.stream = stream

    def __call__(self, msg: str) -> None:
        print(
            f"[image-check {time.monotonic() - self.t0:6.1f}s] {msg}", file=self.stream, flush=True
        )


# --------------------------------------------------------------------------- the recipe


@dataclass
class Image:
    """A Dockerfile read as data, and (once built) the root its install script left."""

    run: str  # the one RUN line, run with /bin/sh -c as Docker runs it
    root: Path = Path()
    env: dict[str, str] = field(default_factory=lambda: {"PATH": DOCKER_DEFAULT_PATH})
    workdir: str = "/"
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)

    @property
    def command(self) -> list[str]:
        return [*self.entrypoint, *self.cmd]


def _instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction: comments dropped, continuations joined."""
    out: list[tuple[str, str]] = []
    buf: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not buf):
            continue
        if line.endswith("\\"):
            buf.append(line[:-1].strip())
            continue
        keyword, _, args = " ".join(p for p in [*buf, line] if p).partition(" ")
        out.append((keyword.upper(), args.strip()))
        buf = []
    if buf:
        raise BuildError("the Dockerfile ends inside a line continuation")
    return out


def _exec_form(keyword: str, args: str) -> list[str]:
    value = json.loads(args) if args.startswith("[") else None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BuildError(f"{keyword} must be in exec form (a JSON list of strings): {args}")
    return value


def read_dockerfile(path: Path) -> Image:
    """The Dockerfile's recipe, held to `FROM <base>`, `COPY . /opt/build/`, `RUN sh
    /opt/build/functions/<function>/install.sh` (the script beside it), then ENV
    (KEY=value, no `$`), WORKDIR, ENTRYPOINT and CMD only."""
    ins = _instructions(path.read_text())
    script = f"sh {BUILD_DIR}/functions/{path.parent.name}/install.sh"
    expected = [("FROM", BASE_IMAGE), ("COPY", f". {BUILD_DIR}/"), ("RUN", script)]
    if ins[:3] != expected:
        raise BuildError(
            f"{path} must start {' / '.join(f'{k} {a}' for k, a in expected)}: "
            "everything that puts files in the image belongs in its install.sh"
        )
    image = Image(run=script)
    for keyword, args in ins[3:]:
        if keyword == "ENV":
            for word in shlex.split(args):
                key, sep, value = word.partition("=")
                if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) or "$" in value:
                    raise BuildError(f"ENV takes KEY=value pairs without variables: {word!r}")
                image.env[key] = value
        elif keyword == "WORKDIR" and args.startswith("/") and " " not in args:
            image.workdir = args
        elif keyword == "ENTRYPOINT":
            image.entrypoint, image.cmd = _exec_form(keyword, args), []
        elif keyword == "CMD":
            image.cmd = _exec_form(keyword, args)
        else:
            raise BuildError(
                f"{path}: after the RUN, only ENV, WORKDIR (absolute), ENTRYPOINT and CMD: "
                f"{keyword} {args}"
            )
    return image


def context_files(repo: Path) -> list[tuple[str, Path]]:
    """(path in the context, file) for what Docker sends as the build context: the
    top-level entries .dockerignore admits (`!entry`), less the names it keeps out
    (`**/name` anywhere, `dir/**/name` under dir). Any other form fails the check."""
    admitted: list[str] = []
    excluded: list[tuple[str, str]] = []  # (under this directory, "" for anywhere; name)
    lines = [
        line.strip()
        for line in (repo / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if lines[:1] != ["*"]:
        raise BuildError(".dockerignore must start with `*` (nothing unless admitted)")
    for line in lines[1:]:
        entry = line[1:].rstrip("/")
        under, sep, name = line.partition("**/")
        if line.startswith("!") and entry and not excluded and not re.search(r"[*?\[\\/]", entry):
            admitted.append(entry)
        elif sep and "/" not in name and not re.search(r"[*?\[!]", under):
            excluded.append((under.rstrip("/"), name))
        else:
            raise BuildError(f".dockerignore: a form the image check does not read: {line!r}")

    def kept(rel: str) -> bool:
        parent, _, name = rel.rpartition("/")
        return not any(
            fnmatch.fnmatchcase(name, pat) and (not d or (parent + "/").startswith(d + "/"))
            for d, pat in excluded
        )

    files = []
    for entry in admitted:
        top = repo / entry
        if top.is_file():
            files.append((entry, top))
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            rel_dir = Path(dirpath).relative_to(repo).as_posix()
            dirnames[:] = sorted(d for d in dirnames if kept(f"{rel_dir}/{d}"))
            files += [
                (f"{rel_dir}/{n}", Path(dirpath) / n)
                for n in sorted(filenames)
                if kept(f"{rel_dir}/{n}")
            ]
    return files


def _digest(files: Sequence[tuple[str, Path]]) -> str:
    h = hashlib.sha256()
    for rel, f in files:
        h.update(rel.encode() + b"\0" + oct(stat.S_IMODE(f.lstat().st_mode)).encode() + b"\0")
        h.update(os.readlink(f).encode() if f.is_symlink() else f.read_bytes())
    return h.hexdigest()


# --------------------------------------------------------------------------- running in the root


def chroot_argv(
    root: Path,
    argv: Sequence[str],
    *,
    cwd: str = "/",
    user: str | None = None,
    read_only: bool = False,
    binds: Sequence[tuple[Path, str]] = (),
    tmpfs: Sequence[str] = (),
    files: Sequence[tuple[Path, str]] = (),
) -> list[str]:
    """A command that runs `argv` inside `root` in a private mount namespace.

    /proc and /dev are mounted for the command only; `binds` are (host dir,
    dir in root) read-only bind mounts; `tmpfs` are directories given a fresh
    tmpfs; `files` are host files copied into those tmpfs dirs. With
    `read_only`, the root itself is remounted read-only (as Lambda runs it).
    Nothing outlives the command: the namespace dies with it.
    """
    script = ['R="$1"; shift']
    if read_only:
        script += ['mount --bind "$R" "$R"', 'mount -o remount,bind,ro "$R" "$R"']
    script += ['mount -t proc proc "$R/proc"', 'mount --rbind /dev "$R/dev"']
    for d in tmpfs:
        script.append(f'mount -t tmpfs -o mode=1777 tmpfs "$R{d}"')
    for host, inside in binds:
        script.append(f'mount --bind {shlex.quote(str(host))} "$R{inside}"')
        script.append(f'mount -o remount,bind,ro "$R{inside}"')
    for host, inside in files:
        script.append(f'cp {shlex.quote(str(host))} "$R{inside}" && chmod a+r "$R{inside}"')
    spec = f"--userspec={user} " if user else ""
    script.append(f'exec chroot {spec}"$R" "$@"')
    # chroot changes the root but keeps the cwd: enter cwd via a shell inside.
    inner = ["/bin/sh", "-c", 'cd "$0" && exec "$@"', cwd, *argv]
    return [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--fork",
        "--",
        "/bin/sh",
        "-ec",
        "\n".join(script),
        "sh",
        str(root),
        *inner,
    ]


# --------------------------------------------------------------------------- the base


def _slim_excludes() -> tuple[list[str], list[str]]:
    # debuerreotype's .slimify-excludes / .slimify-includes, as dpkg globs.
    excludes = [
        "/usr/share/doc/*",
        "/usr/share/groff/*",
        "/usr/share/info/*",
        "/usr/share/linda/*",
        "/usr/share/lintian/overrides/*",
        "/usr/share/locale/*",
        "/usr/share/man/*",
    ]
    includes = [
        "/usr/share/doc/*/copyright",
        "/usr/share/doc/kde/HTML/C/*",
        "/usr/share/gnome/help/*/C/*",
        "/usr/share/locale/all_languages",
        "/usr/share/locale/currency/*",
        "/usr/share/locale/l10n/*",
        "/usr/share/locale/languages",
        "/usr/share/locale/locale.alias",
        "/usr/share/omf/*/*-C.emf",
    ]
    return excludes, includes


_CONTAINER_APT_CONF = {
    # "apt-get clean" after every install, as the published images do.
    "etc/apt/apt.conf.d/docker-clean": (
        'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb '
        '/var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n'
        'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb '
        '/var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\n'
        'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n'
    ),
    "etc/apt/apt.conf.d/docker-gzip-indexes": 'Acquire::GzipIndexes "true";\n',
    "etc/apt/apt.conf.d/docker-no-languages": 'Acquire::Languages "none";\n',
    "etc/apt/apt.conf.d/docker-autoremove-suggests": (
        'Apt::AutoRemove::SuggestsImportant "false";\n'
    ),
    "etc/dpkg/dpkg.cfg.d/docker-apt-speedup": "force-unsafe-io\n",
    # No service starts inside an image build.
    "usr/sbin/policy-rc.d": "#!/bin/sh\nexit 101\n",
}


def _debian_sources(suite: str) -> str:
    return (
        f"Types: deb\nURIs: {DEBIAN_MIRROR}\nSuites: {suite} {suite}-updates\n"
        "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
        f"Types: deb\nURIs: {DEBIAN_SECURITY_MIRROR}\nSuites: {suite}-security\n"
        "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
    )


def _slimify(root: Path) -> None:
    excludes, includes = _slim_excludes()
    cfg = ["# The slim variant of the Debian base image (as debuerreotype-slimify)."]
    cfg += [f"path-exclude {p}" for p in excludes] + [f"path-include {p}" for p in includes]
    (root / "etc/dpkg/dpkg.cfg.d/docker").write_text("\n".join(cfg) + "\n")

    def dpkg_excluded(path: str) -> bool:  # dpkg's filters: fnmatch, `*` crosses `/`
        return any(fnmatch.fnmatchcase(path, p) for p in excludes) and not any(
            fnmatch.fnmatchcase(path, p) for p in includes
        )

    for top in {os.path.dirname(p) for p in excludes}:
        base = root / top.lstrip("/")
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base, topdown=False):
            for n in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
                f = Path(dirpath) / n
                if dpkg_excluded("/" + str(f.relative_to(root))):
                    f.unlink()
            for d in dirnames:
                p = Path(dirpath) / d
                if p.is_dir() and not p.is_symlink() and not any(p.iterdir()):
                    p.rmdir()


def build_debian_base(root: Path, log: Log, suite: str = "bookworm") -> None:
    """debian:bookworm-slim, as debuerreotype builds it, from Debian's mirror."""
    log(f"{BASE_IMAGE}: debootstrap --variant=minbase {suite} from {DEBIAN_MIRROR}")
    subprocess.run(
        ["debootstrap", "--variant=minbase", suite, str(root), DEBIAN_MIRROR],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (root / "etc/apt/sources.list").unlink(missing_ok=True)
    (root / "etc/apt/sources.list.d").mkdir(parents=True, exist_ok=True)
    (root / "etc/apt/sources.list.d/debian.sources").write_text(_debian_sources(suite))
    for rel, text in _CONTAINER_APT_CONF.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
        (root / rel).chmod(0o755 if text.startswith("#!") else 0o644)
    _slimify(root)
    for pattern in ("var/lib/apt/lists/*", "var/cache/apt/*.bin", "var/cache/apt/archives/*.deb"):
        for p in root.glob(pattern):
            if p.is_file():
                p.unlink()
    for p in (root / "var/log").rglob("*"):
        if p.is_file():
            p.write_bytes(b"")


# --------------------------------------------------------------------------- the build


def _remove(path: Path) -> None:
    if path.exists():
        subprocess.run(["rm", "-rf", "--one-file-system", str(path)], check=True)


def _discard(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        _remove(path)
    else:
        path.unlink(missing_ok=True)


def _done(root: Path) -> Path:
    """The stamp saying a root is complete (kept beside it, not in it)."""
    return root.with_name(root.name + ".done")


def _base(cache: Path, log: Log) -> Path:
    key = hashlib.sha256(f"{BASE_IMAGE}|{BASE_RECIPE_VERSION}|{DEBIAN_MIRROR}".encode())
    base = cache / f"base-{key.hexdigest()[:16]}"
    if not _done(base).exists():
        work = cache / "work-base"
        _remove(work)
        work.mkdir(parents=True)
        build_debian_base(work, log)
        _remove(base)
        work.rename(base)
        _done(base).write_text("\n")
    for old in cache.glob("base-*"):  # an older recipe's or mirror's base
        if old.name.removesuffix(".done") != base.name:
            _discard(old)
    return base


def _run_script(
    work: Path,
    image: Image,
    log_path: Path,
    build_files: Sequence[tuple[Path, str]],
    build_env: dict[str, str],
) -> None:
    """The Dockerfile's RUN line in a chroot of `work`, with Docker's build environment
    and the host's resolv.conf (what Docker mounts for a build step)."""
    resolv = work / "etc/resolv.conf"
    saved_link = os.readlink(resolv) if resolv.is_symlink() else None
    saved = resolv.read_bytes() if resolv.is_file() and not saved_link else None
    resolv.unlink(missing_ok=True)  # never write through a link to the host
    shutil.copyfile("/etc/resolv.conf", resolv)
    try:
        cmd = chroot_argv(work, ["/bin/sh", "-c", image.run], tmpfs=["/mnt"], files=build_files)
        with open(log_path, "wb") as out:  # shown when it fails, as BuildKit does
            subprocess.run(
                cmd,
                env={**BUILD_ENV, **build_env},
                stdout=out,
                stderr=subprocess.STDOUT,
                check=True,
            )
    except subprocess.CalledProcessError as exc:
        tail = log_path.read_text(errors="replace").splitlines()[-40:]
        raise BuildError(
            f"RUN {image.run} failed with exit code {exc.returncode}; its output ends:\n"
            + "\n".join(tail)
        ) from exc
    finally:
        resolv.unlink(missing_ok=True)
        if saved_link is not None:
            resolv.symlink_to(saved_link)
        elif saved is not None:
            resolv.write_bytes(saved)


def build(
    dockerfile: Path,
    repo: Path,
    cache: Path,
    log: Log,
    build_files: Sequence[tuple[Path, str]] = (),
    build_env: dict[str, str] | None = None,
) -> Image:
    """Build (or reuse from `cache`) the root `dockerfile` describes: the base, the
    context at /opt/build, the Dockerfile's RUN (its install.sh) in a chroot.

    `build_files` are host files made visible to the script on a tmpfs at /mnt (the build
    host's CA bundle, for instance) and `build_env` extra variables for it (`PIP_CERT`);
    neither lands in the root nor in its cache key.
    """
    image = read_dockerfile(dockerfile)
    files = context_files(repo)
    name = dockerfile.parent.name
    base = _base(cache, log)
    key = hashlib.sha256(f"{base.name}|{dockerfile.read_text()}|{_digest(files)}".encode())
    image.root = cache / f"{name}-{key.hexdigest()[:16]}"
    if _done(image.root).exists():
        log(f"{name}: root cached ({image.root})")
        return image
    work = cache / f"work-{name}"
    _remove(work)
    subprocess.run(["cp", "-a", "--reflink=auto", str(base), str(work)], check=True)
    for rel, f in files:  # COPY . /opt/build/: root-owned, modes kept
        target = work / BUILD_DIR.lstrip("/") / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target, follow_symlinks=False)
        os.chown(target, 0, 0, follow_symlinks=False)
    log(f"{name}: COPY . {BUILD_DIR}/ ({len(files)} files); RUN {image.run}")
    t0 = time.monotonic()
    _run_script(work, image, cache / f"run-{name}.log", build_files, build_env or {})
    log(f"{name}: install.sh done in {time.monotonic() - t0:.0f} s")
    for old in cache.glob(f"{name}-*"):  # the roots of earlier sources
        _discard(old)
    work.rename(image.root)
    _done(image.root).write_text("\n")
    return image
