"""`release`: cut a version of the generated SDK from what changed in the spec since the last release.

The last released spec is kept in `released/` beside the spec (every file it reads, and the config it
was generated with), so the next release diffs against exactly what was shipped. Everything is done in
a temporary folder first: generate, build the sdist and wheel, `twine check` them, install the wheel
into a fresh virtual environment, import it and make one call against a local server. Only when all
of that passed are the config's version, the output folder, its CHANGELOG.md, the `released/` snapshot
and `dist/` updated. `--dry-run` does all of it and writes none of it.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from generator import custom, diff_report, pipeline
from generator.config import Config, load_config
from generator.diff import Change, highest
from generator.errors import GeneratorError, Problem
from generator.spec.load import load_spec
from generator.targets.python.examples import example_program, example_value, pick_operation, response_node
from generator.versioning import Bump, bump_for, bumped
from generator.write import CACHE

RELEASED = "released"  # beside the spec: the last released spec and config
CHANGELOG = "CHANGELOG.md"
_VERSION_LINE = re.compile(r"^version:.*$", re.MULTILINE)


@dataclass
class ReleasePlan:
    version: str  # the version being cut
    previous: str | None  # the version before it (None: first release)
    bump: Bump | None
    changes: list[Change]
    changelog_entry: str
    log: list[str] = field(default_factory=list)  # what was done, step by step, for the user
    artifacts: list[Path] = field(default_factory=list)  # sdist and wheel, in `dist/` once written


def release(
    options: pipeline.Options, since: str | None, dist: Path, dry_run: bool, log: LogFunction
) -> ReleasePlan | None:
    """Cut a release; None when the spec has not changed since the last one."""
    config_path = options.config_path()
    if config_path is None:
        raise GeneratorError(
            Problem(
                f"a release records its version in the generator config; create {options.spec.stem}.config.yaml "
                "beside the spec (see docs/config.md) or pass --config",
                file=str(options.spec),
            )
        )
    config = load_config(config_path)
    current = config.version
    _check_overlays_can_be_kept(config, config_path)
    baseline = since or _snapshot_entry(options.spec)
    plan = _plan(options, baseline, current, log)
    if plan is None:
        return None
    with tempfile.TemporaryDirectory(prefix="sdkgen-release-") as temp:
        work = Path(temp)
        project = work / "project"
        _stage_project(options, plan, project, log)
        artifacts = _build(project, work / "dist", log)
        _smoke_test(options, plan, artifacts, work, log)
        if dry_run:
            log(f"dry run: nothing written; {config_path} would say version {plan.version}")
            return plan
        _apply(options, plan, config_path, project, log)
        _copy_artifacts(plan, artifacts, dist)
        log(
            f"released {plan.version}: {config_path}, {options.output}/{CHANGELOG}, "
            f"{options.spec.parent / RELEASED}/, {', '.join(str(a) for a in plan.artifacts)}"
        )
    return plan


class LogFunction:
    """Prints progress lines (and keeps them for the plan)."""

    def __init__(self, quiet: bool = False) -> None:
        self.lines: list[str] = []
        self.quiet = quiet

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        if not self.quiet:
            print(line, flush=True)


# --- what to release ------------------------------------------------------------------------------


def _snapshot_entry(spec: Path) -> str | None:
    entry = spec.parent / RELEASED / spec.name
    return str(entry) if entry.is_file() else None


def _plan(options: pipeline.Options, baseline: str | None, current: str, log: LogFunction) -> ReleasePlan | None:
    if baseline is None:
        log(f"first release: no {RELEASED}/{options.spec.name} beside the spec and no --since; version {current}")
        entry = _changelog_entry(current, [], None, options.spec)
        return ReleasePlan(current, None, None, [], entry)
    result = pipeline.diff(baseline, str(options.spec), None, options.allow_outside_refs, options.strict_overlays)
    bump = bump_for(highest(result.changes), current)
    log(f"{baseline} -> {options.spec}: {diff_report.summary(result.changes, bump)}")
    if bump is None:
        log(f"nothing to release: the spec has not changed since version {current}")
        return None
    version = bumped(current, bump)
    log(f"version {current} -> {version} ({bump})")
    return ReleasePlan(
        version, current, bump, result.changes, _changelog_entry(version, result.changes, current, options.spec)
    )


def _changelog_entry(version: str, changes: list[Change], previous: str | None, spec: Path) -> str:
    date = _release_date()
    lines = [f"## {version} ({date})", ""]
    if previous is None:
        lines += [f"First release, generated from `{spec.name}`.", ""]
    else:
        lines += [f"Changes to `{spec.name}` since {previous}, in terms of this SDK:", ""]
        lines += diff_report.changelog_lines(changes)
    return "\n".join(lines).rstrip("\n") + "\n"


def _release_date() -> str:
    """Today, or SOURCE_DATE_EPOCH's day (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch else datetime.datetime.now(datetime.UTC)
    return moment.date().isoformat()


# --- staging, building, checking ------------------------------------------------------------------


def _stage_project(options: pipeline.Options, plan: ReleasePlan, project: Path, log: LogFunction) -> None:
    cache = options.output / CACHE
    project.mkdir(parents=True)
    if cache.is_file():  # reuse what black already formatted
        shutil.copyfile(cache, project / CACHE)
    custom.copy_user_files(options.output, project)  # the user's lib/ modules and kept edits ship too
    staged = pipeline.Options(
        options.spec,
        project,
        options.config,
        options.lenient,
        options.allow_outside_refs,
        version=plan.version,
        write_samples=False,
        strict_overlays=options.strict_overlays,
    )
    result = pipeline.generate(staged)
    previous = (
        (options.output / CHANGELOG).read_text(encoding="utf-8") if (options.output / CHANGELOG).is_file() else ""
    )
    (project / CHANGELOG).write_text(_prepend(plan.changelog_entry, previous), encoding="utf-8")
    log(f"generated {len(result.api.operations)} operations as {result.api.distribution} {plan.version}")


def _prepend(entry: str, changelog: str) -> str:
    title = "# Changelog\n"
    body = changelog.removeprefix(title).lstrip("\n")
    return f"{title}\n{entry}" + (f"\n{body}" if body else "")


def _build(project: Path, dist: Path, log: LogFunction) -> list[Path]:
    _run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(dist), str(project)],
        "building the sdist and wheel",
    )
    artifacts = sorted(dist.iterdir())
    _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, artifacts)], "twine check")
    log(f"built and checked: {', '.join(a.name for a in artifacts)}")
    return artifacts


def _smoke_test(
    options: pipeline.Options, plan: ReleasePlan, artifacts: list[Path], work: Path, log: LogFunction
) -> None:
    """Install the wheel into a fresh virtual environment and call the API once against a local server."""
    api = pipeline.model(
        pipeline.Options(
            options.spec,
            work / "project",
            options.config,
            options.lenient,
            options.allow_outside_refs,
            version=plan.version,
            strict_overlays=options.strict_overlays,
        )
    )
    environment = work / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    wheel = next(a for a in artifacts if a.suffix == ".whl")
    _run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        "installing the wheel into a fresh virtual environment",
    )
    operation = pick_operation(api)
    response = response_node(operation) if operation else None
    body = example_value(response) if response is not None else {}
    with _local_server(body) as (url, requests):
        env = {"PATH": os.environ.get("PATH", ""), api.base_url_env: url}
        env.update({credential.env_var: "release-check" for credential in api.credentials})
        program = "\n".join(
            [
                f"import {api.package}",
                f"assert {api.package}.__version__ == {plan.version!r}",
                example_program(api, is_async=False),
            ]
        )
        _run([str(python), "-c", program], "importing the installed wheel and calling the API", env=env, cwd=work)
    if operation is not None:
        if not requests:
            raise GeneratorError(Problem("release check: the installed client sent no request to the local server"))
        method, path, agent = requests[0]
        if method != operation.http_method or f"{plan.version}" not in agent:
            raise GeneratorError(
                Problem(
                    f"release check: expected {operation.http_method} with a User-Agent naming "
                    f"{plan.version}, got {method} {path} with User-Agent {agent!r}"
                )
            )
        log(
            f"installed the wheel in a fresh virtual environment; {api.client_name}()."
            f"{'.'.join(operation.resource_path)}.{operation.name}(...) sent {method} {path} (User-Agent {agent})"
            " to a local server and parsed the answer"
        )
    else:
        log("installed the wheel in a fresh virtual environment and imported it (the API has no operations to call)")


@contextmanager
def _local_server(body: object) -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
    """A server on 127.0.0.1 answering every request with `body` as JSON; yields its URL and the requests."""
    requests: list[tuple[str, str, str]] = []
    payload = json.dumps(body).encode()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            requests.append((self.command, self.path, self.headers.get("User-Agent", "")))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        # http.server calls `do_<METHOD>`: the names are its own, not pep8-naming's
        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer  # noqa: N815 - http.server's

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def _run(command: list[str], what: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    if done.returncode != 0:
        output = (done.stderr.strip() or done.stdout.strip()).splitlines()[-15:]
        raise GeneratorError(
            Problem(f"release step failed: {what} (exit {done.returncode}):\n  " + "\n  ".join(output))
        )


# --- writing the release --------------------------------------------------------------------------


def _apply(options: pipeline.Options, plan: ReleasePlan, config_path: Path, project: Path, log: LogFunction) -> None:
    """The new version into the config, the client (and the config's other targets) regenerated with it, its
    CHANGELOG and the spec's snapshot."""
    _write_atomically(config_path, _with_version(config_path.read_text(encoding="utf-8"), plan.version))
    with pipeline.Session() as session:  # the spec loaded and validated once for every target
        result = pipeline.generate(options, session=session)
        log(
            f"{options.output}: {len(result.changes.added if result.changes else [])} added, "
            f"{len(result.changes.changed if result.changes else [])} changed"
        )
        _write_atomically(options.output / CHANGELOG, (project / CHANGELOG).read_text(encoding="utf-8"))
        # The config's other targets (an MCP server, a TypeScript SDK) carry the version too: released with it
        for other in pipeline.runs(options, None, None):
            if other.target != options.target:
                changes = pipeline.generate(other, session=session).changes
                log(
                    f"{other.output} ({other.target}): {len(changes.added if changes else [])} added, "
                    f"{len(changes.changed if changes else [])} changed"
                )
    _snapshot(options, config_path)


def _copy_artifacts(plan: ReleasePlan, artifacts: list[Path], dist: Path) -> None:
    """The sdist and wheel built in the temporary folder, into `dist`."""
    dist.mkdir(parents=True, exist_ok=True)
    for artifact in artifacts:
        shutil.copyfile(artifact, dist / artifact.name)
        plan.artifacts.append(dist / artifact.name)


def _with_version(config_text: str, version: str) -> str:
    line = f"version: {version}"
    if _VERSION_LINE.search(config_text):
        return _VERSION_LINE.sub(line, config_text, count=1)
    return config_text.rstrip("\n") + f"\n{line}\n"


def _check_overlays_can_be_kept(config: Config, config_path: Path) -> None:
    """The snapshot keeps the overlays beside the config, as the config names them; they must be in its folder."""
    for index, overlay in enumerate(config.overlays):
        if not overlay.resolve().is_relative_to(config_path.parent.resolve()):
            raise GeneratorError(
                Problem(
                    f"a release keeps the overlays it was generated with in {RELEASED}/ beside "
                    f"the config; {overlay} is outside the config's folder: move it in",
                    str(config_path),
                    f"/overlays/{index}",
                )
            )


def _snapshot(options: pipeline.Options, config_path: Path) -> None:
    """Replace `released/` beside the spec with the files this release was generated from."""
    spec = load_spec(options.spec, options.allow_outside_refs)
    target = options.spec.parent / RELEASED
    staging = options.spec.parent / f".{RELEASED}-staging"
    shutil.rmtree(staging, ignore_errors=True)
    for path in spec.documents:
        relative = path.relative_to(spec.base_dir) if path.is_relative_to(spec.base_dir) else Path(path.name)
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, staging / relative)
    shutil.copyfile(config_path, staging / f"{options.spec.stem}.config.yaml")
    for overlay in load_config(config_path).overlays:  # as the copied config names them, beside it
        relative = overlay.resolve().relative_to(config_path.parent.resolve())
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(overlay, staging / relative)
    old = options.spec.parent / f".{RELEASED}-old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
