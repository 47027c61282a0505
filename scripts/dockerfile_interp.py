"""Build a Dockerfile's root filesystem without Docker: parse it, then run it.

`make image-check` must not be able to drift from `functions/extract/Dockerfile`,
so it does not keep its own copy of the recipe: it interprets the Dockerfile.
Only the instructions the image uses are supported (FROM, ARG, ENV, WORKDIR,
COPY, RUN, ENTRYPOINT, CMD, LABEL); anything else, any flag, any unsupported
variable form, or a base image we cannot reproduce from Debian's mirror is an
error, never a silent skip.

The base `debian:bookworm-slim` is reproduced the way its publisher builds it
(debuerreotype): `debootstrap --variant=minbase`, the deb822 sources for
bookworm, -updates and -security, the container apt/dpkg configuration, and
the "slim" dpkg path excludes applied to the files already installed.

Each step has a cache key chained from the previous one (plus, for COPY, the
bytes copied), like Docker's layer cache; the root after each RUN is kept, so a
rerun starts from the last unchanged RUN.
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

DEBIAN_MIRROR = os.environ.get("IMAGE_CHECK_MIRROR", "http://deb.debian.org/debian")
DEBIAN_SECURITY_MIRROR = os.environ.get(
    "IMAGE_CHECK_SECURITY_MIRROR", "http://deb.debian.org/debian-security"
)
# Docker's default environment for RUN (it sets no more than this).
DOCKER_DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

SUPPORTED = {"FROM", "ARG", "ENV", "WORKDIR", "COPY", "RUN", "ENTRYPOINT", "CMD", "LABEL"}


class RecipeError(Exception):
    """The Dockerfile uses something this interpreter does not reproduce."""


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Instruction:
    lineno: int
    keyword: str
    args: str  # the raw argument text, continuation lines joined

    def __str__(self) -> str:
        return f"line {self.lineno}: {self.keyword} {self.args}"


def parse_dockerfile(text: str) -> list[Instruction]:
    """Split a Dockerfile into instructions (comments dropped, continuations joined)."""
    lines = text.splitlines()
    # Parser directives: only `# syntax=` is allowed; `# escape=` would change parsing.
    for line in lines:
        m = re.match(r"#\s*(\w+)\s*=\s*(.*)$", line.strip())
        if not m:
            break
        if m.group(1).lower() != "syntax":
            raise RecipeError(f"unsupported parser directive: {line.strip()}")
    out: list[Instruction] = []
    buf: list[str] = []
    start = 0
    for i, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not buf):
            continue  # comments vanish, even inside a continuation (as in Docker)
        if not buf:
            start = i
        if stripped.endswith("\\"):
            buf.append(stripped[:-1])
            continue
        buf.append(stripped)
        joined = " ".join(part.strip() for part in buf if part.strip())
        buf = []
        keyword, _, args = joined.partition(" ")
        out.append(Instruction(start, keyword.upper(), args.strip()))
    if buf:
        raise RecipeError("Dockerfile ends inside a line continuation")
    for ins in out:
        if ins.keyword not in SUPPORTED:
            raise RecipeError(f"instruction the image check does not run: {ins}")
    return out


def json_form(args: str) -> list[str] | None:
    """The exec (JSON array) form of RUN/CMD/ENTRYPOINT/COPY, or None for shell form."""
    if not args.startswith("["):
        return None
    try:
        value = json.loads(args)
    except json.JSONDecodeError:
        return None  # Docker falls back to shell form too
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecipeError(f"exec form must be a list of strings: {args}")
    return value


_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def substitute(text: str, env: dict[str, str]) -> str:
    """Docker's variable substitution ($V, ${V}; modifiers are refused)."""

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(3)
        if m.group(2):
            raise RecipeError(f"unsupported variable modifier in {m.group(0)!r}")
        return env.get(name, "")

    return _VAR.sub(repl, text)


def split_words(args: str, env: dict[str, str]) -> list[str]:
    return [substitute(w, env) for w in shlex.split(args, posix=True)]


def parse_env(args: str) -> list[tuple[str, str]]:
    """`ENV a=1 b="two words"` or the legacy `ENV key value with spaces`."""
    words = shlex.split(args, posix=True)
    if words and "=" not in words[0]:
        key, _, value = args.partition(" ")
        return [(key, value.strip())]
    pairs = []
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            raise RecipeError(f"ENV: expected key=value, got {word!r}")
        pairs.append((key, value))
    return pairs


def take_flags(words: list[str], keyword: str) -> list[str]:
    if words and words[0].startswith("--"):
        raise RecipeError(f"{keyword}: flag {words[0]} is not supported by the image check")
    return words


# --------------------------------------------------------------------------- .dockerignore


def _glob_to_regex(pattern: str) -> str:
    """Go filepath.Match syntax plus Docker's `**` (any number of path segments)."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                i += 1
                out.append("(?:.*/)?")
            else:
                out.append(".*")
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i)
            if j < 0:
                raise RecipeError(f".dockerignore: bad pattern {pattern!r}")
            body = pattern[i + 1 : j].replace("\\", "\\\\")
            if body.startswith("^"):
                body = "!" + body[1:]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = j
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


class DockerIgnore:
    """Docker's .dockerignore rules: last match wins; a match on a parent dir counts."""

    def __init__(self, text: str) -> None:
        self.rules: list[tuple[bool, re.Pattern[str]]] = []
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            pat = os.path.normpath(line[1:] if negate else line).lstrip("/")
            self.rules.append((negate, re.compile(_glob_to_regex(pat) + r"\Z")))

    def excluded(self, rel: str) -> bool:
        parts = rel.split("/")
        prefixes = ["/".join(parts[: k + 1]) for k in range(len(parts))]
        result = False
        for negate, rx in self.rules:
            if any(rx.match(p) for p in prefixes):
                result = not negate
        return result


# --------------------------------------------------------------------------- context


@dataclass
class Context:
    root: Path
    ignore: DockerIgnore

    @classmethod
    def at(cls, root: Path) -> Context:
        f = root / ".dockerignore"
        return cls(root, DockerIgnore(f.read_text() if f.exists() else ""))

    def sources(self, src: str) -> Iterator[tuple[str, Path]]:
        """(path relative to the source, absolute file) for each file COPY would send."""
        rel = os.path.normpath(src).lstrip("/")
        if rel.startswith(".."):
            raise RecipeError(f"COPY source outside the context: {src}")
        if any(ch in rel for ch in "*?["):
            raise RecipeError(f"COPY wildcards are not supported by the image check: {src}")
        path = self.root / rel
        if not path.exists() or (rel != "." and self.ignore.excluded(rel)):
            raise RecipeError(f"COPY source not in the build context: {src}")
        if path.is_file():
            yield path.name, path
            return
        for dirpath, dirnames, filenames in os.walk(path):
            d = Path(dirpath)
            dirnames[:] = sorted(
                n for n in dirnames if not self.ignore.excluded(str((d / n).relative_to(self.root)))
            )
            for n in sorted(filenames):
                f = d / n
                r = str(f.relative_to(self.root))
                if not self.ignore.excluded(r):
                    yield str(f.relative_to(path)), f


def _digest_files(files: Sequence[tuple[str, Path]]) -> str:
    h = hashlib.sha256()
    for rel, f in files:
        st = f.lstat()
        h.update(rel.encode() + b"\0" + oct(stat.S_IMODE(st.st_mode)).encode() + b"\0")
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


# --------------------------------------------------------------------------- bases


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


def build_debian_base(root: Path, suite: str, slim: bool, log: Log) -> None:
    log(f"FROM: debootstrap --variant=minbase {suite} from {DEBIAN_MIRROR}")
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
    if slim:
        _slimify(root)
    for pattern in ("var/lib/apt/lists/*", "var/cache/apt/*.bin", "var/cache/apt/archives/*.deb"):
        for p in root.glob(pattern):
            if p.is_file():
                p.unlink()
    for p in (root / "var/log").rglob("*"):
        if p.is_file():
            p.write_bytes(b"")


# The bases this interpreter can reproduce, and how. The value is part of the cache key.
BASES = {
    "debian:bookworm-slim": ("bookworm", True),
    "debian:bookworm": ("bookworm", False),
}
BASE_RECIPE_VERSION = "4"
SNAPSHOT_MIN_SECONDS = 15.0


# --------------------------------------------------------------------------- the build


class Log:
    def __init__(self, stream=sys.stderr) -> None:
        self.t0 = time.monotonic()
        self.stream = stream

    def __call__(self, msg: str) -> None:
        print(
            f"[image-check {time.monotonic() - self.t0:6.1f}s] {msg}", file=self.stream, flush=True
        )


@dataclass
class Image:
    """What the build leaves: the root and the runtime configuration."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    user: str | None = None
    steps_run: int = 0
    steps_cached: int = 0

    @property
    def command(self) -> list[str]:
        return [*self.entrypoint, *self.cmd]


@dataclass
class _Step:
    ins: Instruction
    key: str
    action: str  # "run" | "copy" | "workdir" | "config"
    payload: object = None

    @property
    def copies(self) -> list[tuple[Path, str]]:
        """(file in the context, path in the image) for a COPY step, else nothing."""
        return cast(list[tuple[Path, str]], self.payload) if self.action == "copy" else []


def _plan(
    instructions: list[Instruction], context: Context, build_args: dict[str, str]
) -> tuple[list[_Step], Image, tuple[str, bool]]:
    """Resolve every instruction (variables, COPY sources) and chain the cache keys."""
    if not instructions or instructions[0].keyword not in ("FROM", "ARG"):
        raise RecipeError("a Dockerfile starts with FROM")
    froms = [i for i in instructions if i.keyword == "FROM"]
    if len(froms) != 1:
        raise RecipeError("multi-stage builds are not supported by the image check")
    pre_args: dict[str, str] = {}
    image = Image(root=Path())
    env: dict[str, str] = {"PATH": DOCKER_DEFAULT_PATH}
    args: dict[str, str] = {}
    steps: list[_Step] = []
    base: tuple[str, bool] | None = None
    key = ""
    for ins in instructions:
        scope = {**args, **env}
        if ins.keyword == "FROM":
            words = take_flags(split_words(ins.args, pre_args), "FROM")
            if len(words) != 1:
                raise RecipeError(f"FROM with a stage name is not supported: {ins}")
            if words[0] not in BASES:
                raise RecipeError(
                    f"base image {words[0]!r} cannot be reproduced from Debian's mirror; "
                    f"known: {', '.join(sorted(BASES))}"
                )
            base = BASES[words[0]]
            key = hashlib.sha256(
                f"{words[0]}|{base}|{BASE_RECIPE_VERSION}|{DEBIAN_MIRROR}".encode()
            ).hexdigest()
            steps.append(_Step(ins, key, "from"))
            continue
        if base is None:  # ARG before FROM
            name, _, default = ins.args.partition("=")
            pre_args[name.strip()] = build_args.get(name.strip(), default)
            continue
        action = "config"
        payload: object = None
        if ins.keyword == "ARG":
            name, sep, default = ins.args.partition("=")
            name = name.strip()
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise RecipeError(f"ARG: bad name in {ins}")
            args[name] = build_args.get(name, substitute(default, scope) if sep else "")
            payload = (name, args[name])
        elif ins.keyword == "ENV":
            for k, v in parse_env(ins.args):
                env[k] = substitute(v, {**args, **env})
            payload = dict(env)
        elif ins.keyword == "LABEL":
            pass
        elif ins.keyword == "WORKDIR":
            wd = substitute(ins.args.strip(), scope)
            image.workdir = wd if wd.startswith("/") else os.path.join(image.workdir, wd)
            action, payload = "workdir", image.workdir
        elif ins.keyword == "COPY":
            words = json_form(ins.args) or take_flags(split_words(ins.args, scope), "COPY")
            if len(words) < 2:
                raise RecipeError(f"COPY needs a source and a destination: {ins}")
            *srcs, dest = words
            if not dest.startswith("/"):
                dest = os.path.join(image.workdir, dest)
            to_dir = dest.endswith("/") or len(srcs) > 1
            plan: list[tuple[Path, str]] = []
            for src in srcs:
                is_dir = (context.root / src).is_dir()
                for rel, f in context.sources(src):
                    # A directory's contents, or a file into a directory, or a file renamed.
                    target = os.path.join(dest, rel) if is_dir or to_dir else dest
                    plan.append((f, target))
            action = "copy"
            payload = plan
            digest = _digest_files([(t, f) for f, t in plan])
            key = hashlib.sha256(f"{key}|{ins.keyword} {ins.args}|{digest}".encode()).hexdigest()
            steps.append(_Step(ins, key, action, payload))
            continue
        elif ins.keyword == "RUN":
            if ins.args.startswith("--"):  # BuildKit's --mount/--network/--security
                raise RecipeError(f"RUN flags are not supported by the image check: {ins}")
            argv = json_form(ins.args)
            action = "run"
            payload = (argv or ["/bin/sh", "-c", ins.args], {**env, **args}, image.workdir)
        elif ins.keyword in ("ENTRYPOINT", "CMD"):
            argv = json_form(ins.args)
            if argv is None:
                raise RecipeError(f"{ins.keyword} must use the exec (JSON) form: {ins}")
            if ins.keyword == "ENTRYPOINT":
                image.entrypoint, image.cmd = argv, []
            else:
                image.cmd = argv
        key = hashlib.sha256(
            f"{key}|{ins.keyword} {ins.args}|{json.dumps(payload, default=str)}".encode()
        ).hexdigest()
        steps.append(_Step(ins, key, action, payload))
    assert base is not None
    image.env = env
    return steps, image, base


def in_root(root: Path, path: str) -> Path:
    """`path` inside the image root, its directories' symlinks resolved within the root.

    A symlink in the root (`/var/run -> /run`) must never lead a write to the host.
    """
    current = root
    parts = [p for p in path.split("/") if p not in ("", ".")]
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == "..":
            current = current.parent if current != root else root
            continue
        candidate = current / part
        if candidate.is_symlink() and parts:  # a directory component that is a link
            hops += 1
            if hops > 40:
                raise RecipeError(f"symlink loop under {path}")
            target = os.readlink(candidate)
            parts = [p for p in target.split("/") if p not in ("", ".")] + parts
            current = root if target.startswith("/") else current
            continue
        current = candidate
    return current


def _copy_tree(src: Path, dst: Path) -> None:
    if dst.exists():
        _remove(dst)
    subprocess.run(["cp", "-a", "--reflink=auto", str(src), str(dst)], check=True)


def _remove(path: Path) -> None:
    if path.exists():
        subprocess.run(["rm", "-rf", "--one-file-system", str(path)], check=True)


def build(
    dockerfile: Path,
    context: Context,
    cache: Path,
    log: Log,
    build_args: dict[str, str] | None = None,
    build_files: Sequence[tuple[Path, str]] = (),
    build_env: dict[str, str] | None = None,
) -> Image:
    """Build (or reuse from `cache`) the root that `dockerfile` describes.

    `build_files` are host files made visible to RUN steps on a tmpfs at /mnt
    (the build host's CA bundle, for instance) and `build_env` extra variables
    for RUN steps; neither lands in the root nor in its cache keys.
    """
    steps, image, (suite, slim) = _plan(
        parse_dockerfile(dockerfile.read_text()), context, build_args or {}
    )
    snapshots = cache / "steps"
    snapshots.mkdir(parents=True, exist_ok=True)
    final = steps[-1].key
    image.root = snapshots / final

    # The longest cached prefix: a snapshot exists after FROM, after each RUN and at the end.
    start = None
    for idx in range(len(steps) - 1, -1, -1):
        if _done(snapshots / steps[idx].key).exists():
            start = idx
            break
    keep = {s.key for s in steps}
    if start == len(steps) - 1:
        image.steps_cached = len(steps)
        log(f"root cached: {image.root}")
        _prune(snapshots, keep)
        return image
    work = cache / "work"
    _remove(work)
    if start is None:
        work.mkdir()
        build_debian_base(work, suite, slim, log)
        _snapshot(work, snapshots / steps[0].key)
        start = 0
    else:
        log(f"reusing the root after {steps[start].ins}")
        _copy_tree(snapshots / steps[start].key, work)
    image.steps_cached = start + 1

    for idx in range(start + 1, len(steps)):
        step = steps[idx]
        if step.action == "workdir":
            in_root(work, str(step.payload)).mkdir(parents=True, exist_ok=True)
        elif step.action == "copy":
            plan = step.payload
            assert isinstance(plan, list)
            log(f"{step.ins.keyword} {step.ins.args} ({len(plan)} files)")
            for f, target in plan:
                out = in_root(work, target)
                in_root(work, os.path.dirname(target)).mkdir(parents=True, exist_ok=True)
                if out.exists() or out.is_symlink():
                    out.unlink()
                shutil.copy2(f, out, follow_symlinks=False)
                os.chown(out, 0, 0, follow_symlinks=False)
        elif step.action == "run":
            argv, env, cwd = cast(tuple[list[str], dict[str, str], str], step.payload)
            log(f"RUN {' '.join(argv[2:] if argv[:2] == ['/bin/sh', '-c'] else argv)[:140]}")
            (work / cwd.lstrip("/")).mkdir(parents=True, exist_ok=True)
            resolv = work / "etc/resolv.conf"
            saved_link = os.readlink(resolv) if resolv.is_symlink() else None
            saved = resolv.read_bytes() if resolv.is_file() and not saved_link else None
            resolv.unlink(missing_ok=True)  # never write through a link to the host
            shutil.copyfile("/etc/resolv.conf", resolv)  # what Docker mounts for a build step
            try:
                cmd = chroot_argv(work, argv, cwd=cwd, tmpfs=["/mnt"], files=build_files)
                t0 = time.monotonic()
                # The step's output goes to a log, shown when it fails (as BuildKit does).
                with open(cache / "run.log", "wb") as run_log:
                    subprocess.run(
                        cmd,
                        env={"HOME": "/root", **env, **(build_env or {})},
                        stdout=run_log,
                        stderr=subprocess.STDOUT,
                        check=True,
                    )
                log(f"  done in {time.monotonic() - t0:.0f}s")
            except subprocess.CalledProcessError as exc:
                tail = (cache / "run.log").read_text(errors="replace").splitlines()[-40:]
                raise RecipeError(
                    f"{step.ins} failed with exit code {exc.returncode}; its output ends:\n"
                    + "\n".join(tail)
                ) from exc
            finally:
                resolv.unlink(missing_ok=True)
                if saved_link is not None:
                    resolv.symlink_to(saved_link)
                elif saved is not None:
                    resolv.write_bytes(saved)
            image.steps_run += 1
            # Keep the root after a slow step that later steps build on (Docker's layer
            # cache, for the steps worth caching: apt and pip, not a compileall).
            later = any(s.action in ("run", "copy", "workdir") for s in steps[idx + 1 :])
            if later and time.monotonic() - t0 >= SNAPSHOT_MIN_SECONDS:
                _snapshot(work, snapshots / step.key)
    _remove(image.root)
    work.rename(image.root)
    _done(image.root).write_text(final + "\n")
    _prune(snapshots, keep)
    return image


def _done(snapshot: Path) -> Path:
    """The stamp saying a snapshot is complete (kept beside it, not in the root)."""
    return snapshot.with_name(snapshot.name + ".done")


def _snapshot(work: Path, dest: Path) -> None:
    _done(dest).unlink(missing_ok=True)
    _copy_tree(work, dest)
    _done(dest).write_text("\n")


def _prune(snapshots: Path, keep: set[str]) -> None:
    for p in snapshots.iterdir():
        if p.name.removesuffix(".done") not in keep:
            if p.is_dir():
                _remove(p)
            else:
                p.unlink()
