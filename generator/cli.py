"""Command line: parse arguments, run a pipeline command, print results, map errors to exit codes."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import difflib
import json
import os
import re
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from generator import __version__, pipeline, progress, registry, validate
from generator.errors import EXIT_DRIFT, EXIT_INTERNAL, EXIT_OK, GeneratorError, Problem
from generator.spec.limits import RECURSION_LIMIT
from generator.targets.python.types import annotation as python_annotation
from generator.write import after_failure, unified_diff

if TYPE_CHECKING:
    from generator.model.ir import Api
    from generator.spec.overlay import AppliedOverlay

# Python strings hold a lone surrogate (from a `\udXXX` escape in a JSON spec) that UTF-8 cannot encode.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# `diff`, `inspect` and `release` import their modules when they run: `generate` and `check` stay light.
RELEASED = "released"  # generator.release.RELEASED, named here for --help without importing it

DESCRIPTION = """\
Generate a typed Python client (httpx + pydantic) from an OpenAPI 3.0/3.1 document, and every other
target the config's `targets` names (docs/config.md).

Exit codes: 0 success; 1 `check` found differences, or `diff --fail-on` found such a change;
2 invalid input (spec, config, arguments).

`generate` and `check` print each stage's time on stderr (`timing: STAGE SECONDS s`) when a run takes
more than two seconds, and on a terminal a live counter for the long stages; `--quiet` silences both.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback when something fails")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def spec_command(
        name: str, help_text: str, output: bool = True, output_help: str = PYTHON_OUTPUT_HELP
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "spec",
            nargs="?",
            type=Path,
            default=pipeline.DEFAULT_SPEC,
            help=f"OpenAPI document, YAML or JSON (default: {pipeline.DEFAULT_SPEC})",
        )
        if output:
            sub.add_argument("-o", "--output", type=Path, default=None, help=output_help)
        sub.add_argument(
            "-c",
            "--config",
            type=Path,
            default=None,
            help="generator config file (default: <spec name>.config.yaml beside the spec, if present)",
        )
        sub.add_argument(
            "--lenient", action="store_true", help="report spec validation errors as warnings and generate anyway"
        )
        sub.add_argument(
            "--allow-outside-refs", action="store_true", help="follow $refs to files outside the spec's folder"
        )
        sub.add_argument(
            "--strict-overlays",
            action="store_true",
            help="an overlay action that selects nothing is an error, not a warning",
        )
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        return sub

    generate = spec_command(
        "generate",
        "Regenerate every target's project from the spec, each into its folder (writes only files that changed).",
        output_help=TARGET_OUTPUT_HELP,
    )
    check = spec_command(
        "check",
        "Regenerate every target in memory and compare with its folder (exit 1 if any differs).",
        output_help=TARGET_OUTPUT_HELP,
    )
    for sub in (generate, check):
        sub.add_argument(
            "--target",
            metavar="NAME",
            default=None,
            help=f"only this target ({registry.known()}; default: every target the config's `targets` names, "
            f"else {registry.DEFAULT_TARGET})",
        )
        sub.add_argument(
            "-q",
            "--quiet",
            action="store_true",
            help="no stage timings or progress on stderr (shown when a run takes over 2 s)",
        )
    generate.add_argument(
        "--force",
        action="store_true",
        help="replace files the generator did not write (in a folder without a "
        ".generator-manifest, or not listed in it), taking them over",
    )
    check.add_argument("--diff", action="store_true", help="print a unified diff of the differences")
    check.add_argument(
        "--full",
        action="store_true",
        help="trust no stamp of an earlier run: validate the spec and format every file (docs/speed.md)",
    )
    spec_command("validate", "Validate the spec only.", output=False)
    inspect = spec_command("inspect", "Print the intermediate model (names, operations, types).", output=False)
    inspect.add_argument("--json", action="store_true", help="print the documented JSON form (docs/inspect.md)")
    samples = spec_command(
        "samples",
        "Write a Python code sample (sync and async) for every operation, and a JavaScript one when the config's "
        "targets name typescript, as x-codeSamples in an OpenAPI Overlay 1.0 document or merged into the spec "
        "(docs/samples.md).",
        output=False,
    )
    samples.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="file to write (default: the config's `samples` path, else standard output); "
        ".json gives JSON, .yaml/.yml YAML",
    )
    samples.add_argument(
        "--format",
        choices=("overlay", "spec"),
        default=None,
        help="overlay: one update action per operation, the spec untouched; spec: the spec itself "
        "with x-codeSamples merged, other languages kept (default: the config's, else overlay)",
    )
    _keep_command(commands)
    _diff_command(commands)
    release_command = spec_command(
        "release",
        "Cut a release: version bump and changelog from the spec diff, regenerate, "
        "build, check and install the package (docs/release.md).",
    )
    release_command.add_argument(
        "--since",
        metavar="OLD",
        default=None,
        help=f"the last released spec, a file or GITREF:path (default: {RELEASED}/<spec name> "
        "beside the spec, written by the previous release)",
    )
    release_command.add_argument(
        "--dist", type=Path, default=Path("dist"), help="where to put the sdist and wheel (default: dist)"
    )
    release_command.add_argument(
        "--dry-run", action="store_true", help="do every step in a temporary folder and write nothing"
    )
    return parser


PYTHON_OUTPUT_HELP = (
    "folder of the Python SDK (default: the config's targets.python.output, else " f"{pipeline.DEFAULT_OUTPUT})"
)
TARGET_OUTPUT_HELP = (
    "folder of the generated project (default: each target's folder in the config's `targets`, else "
    f"{pipeline.DEFAULT_OUTPUT}); with several configured targets, only with --target"
)


def _keep_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = (
        "Record your edits of generated files as patches (OUT/patches/<file>.patch) that `generate` applies "
        "from then on, so the edits survive regeneration and `check` accepts them (docs/custom-code.md)."
    )
    sub = commands.add_parser(
        "keep", help="Keep your edits of generated files across regeneration (docs/custom-code.md).", description=text
    )
    sub.add_argument("files", metavar="FILE", nargs="+", type=Path, help="an edited file in the output folder")
    sub.add_argument(
        "--spec",
        type=Path,
        default=pipeline.DEFAULT_SPEC,
        help=f"OpenAPI document the output is generated from (default: {pipeline.DEFAULT_SPEC})",
    )
    sub.add_argument("-o", "--output", type=Path, default=None, help=PYTHON_OUTPUT_HELP)
    sub.add_argument(
        "-c",
        "--config",
        type=Path,
        default=None,
        help="generator config file (default: <spec name>.config.yaml beside the spec, if present)",
    )
    sub.add_argument("--lenient", action="store_true", help="report spec validation errors as warnings")
    sub.add_argument(
        "--allow-outside-refs", action="store_true", help="follow $refs to files outside the spec's folder"
    )
    sub.add_argument(
        "--strict-overlays", action="store_true", help="an overlay action that selects nothing is an error"
    )
    sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _diff_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = "Compare two versions of a spec and say what changes for the SDK's users (docs/diff.md)."
    sub = commands.add_parser("diff", help=text, description=text)
    for name in ("old", "new"):
        sub.add_argument(name, metavar=name.upper(), help=f"{name} spec: a file, or GITREF:path read from git history")
    sub.add_argument(
        "-c",
        "--config",
        type=Path,
        default=None,
        help="generator config for both (default: each spec's <name>.config.yaml, if present)",
    )
    form = sub.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the changes as JSON")
    form.add_argument("--markdown", action="store_true", help="print the changes as Markdown (for a pull request)")
    sub.add_argument(
        "--fail-on",
        choices=("breaking", "possibly-breaking"),
        default=None,
        help="exit 1 if a change of this level (or a worse one) is found",
    )
    sub.add_argument(
        "--allow-outside-refs", action="store_true", help="follow $refs to files outside the spec's folder"
    )
    sub.add_argument(
        "--strict-overlays", action="store_true", help="an overlay action that selects nothing is an error"
    )
    sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def run() -> NoReturn:
    """The command line (`sdkgen`, `python -m generator`): `main`, then the process ends without freeing its heap
    object by object, which took about 0.15 s after a large API for nothing. What an interpreter's exit does
    that matters still happens: the atexit functions run (they end child processes and remove temporary
    folders) and the streams are flushed; every file the run wrote is closed by then."""
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`), or a stream the run closed
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Specs within the documented nesting limit need more than Python's default 1,000 frames (the validator
    # takes about ten per level); the limit itself is checked while loading, before any deep recursion.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    options = pipeline.Options(
        spec=getattr(args, "spec", pipeline.DEFAULT_SPEC),
        # `samples -o` names the samples file, not the project folder; `generate`, `check`, `keep` and `release`
        # decide theirs from the config's `targets` (pipeline.runs, pipeline.python_output)
        output=(
            pipeline.DEFAULT_OUTPUT
            if args.command == "samples"
            else getattr(args, "output", None) or pipeline.DEFAULT_OUTPUT
        ),
        config=args.config,
        lenient=getattr(args, "lenient", False),
        allow_outside_refs=args.allow_outside_refs,
        strict_overlays=args.strict_overlays,
        force=getattr(args, "force", False),
    )
    # SIGTERM (CI cancelling a job, `timeout`) ends the run as Ctrl-C does: staged files are removed, and the
    # message says what the folder holds.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminated) if in_main_thread else None
    try:
        validate.let_signals_through()  # an interrupt that came while starting up (generator/__main__.py)
        return _COMMANDS[args.command](options, args)
    except GeneratorError as error:
        _print_problems("error", error.problems)
        return error.exit_code
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt as interrupt:
        terminated = isinstance(interrupt, Terminated)
        writes = args.command in ("generate", "keep", "release")
        left = after_failure(getattr(args, "writing", options.output)) if writes else "nothing was written"
        print(f"{'terminated' if terminated else 'interrupted'}; {left}", file=sys.stderr)
        return 128 + (signal.SIGTERM if terminated else signal.SIGINT)
    except Exception as error:  # noqa: BLE001 - a generator bug: say so plainly, traceback only on request
        if args.debug:
            traceback.print_exc()
        print(f"internal error: {type(error).__name__}: {error} (run with --debug for a traceback)", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the run is, so that it unwinds as from Ctrl-C."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated()


def _runs(options: pipeline.Options, args: argparse.Namespace) -> list[pipeline.Options]:
    """One run per target the command writes or checks; each labelled by its target when that helps."""
    return pipeline.runs(options, args.target, args.output)


def _label(run: pipeline.Options, runs: list[pipeline.Options]) -> str:
    """` (mcp)` after a folder when the run is one of several, or of a target other than the default."""
    return f" ({run.target})" if len(runs) > 1 or run.target != registry.DEFAULT_TARGET else ""


def _generate(options: pipeline.Options, args: argparse.Namespace) -> int:
    shown = progress.for_command(args.quiet)
    runs = _runs(options, args)
    with pipeline.Session() as session:  # the spec loaded and validated once for every target
        for run in runs:
            args.writing = run.output  # what an interrupt reports on
            _generate_one(run, shown, _label(run, runs), session)
    return EXIT_OK


def _generate_one(options: pipeline.Options, shown: progress.Progress, label: str, session: pipeline.Session) -> None:
    result = pipeline.unchanged(options, shown) or pipeline.generate(options, shown, session)
    shown.finish()
    _print_problems("warning", result.warnings)
    changes = result.changes
    assert changes is not None
    operations = result.operations if isinstance(result, pipeline.Unchanged) else len(result.api.operations)
    for kind, paths in (("added", changes.added), ("changed", changes.changed), ("removed", changes.removed)):
        for path in paths:
            print(f"{kind:8} {options.output / path}")
    if isinstance(result, pipeline.Result) and result.samples is not None and result.samples_differ:
        print(f"{'written':8} {result.samples.path} (code samples)")
    noun = "operation" if operations == 1 else "operations"
    print(
        f"{operations} {noun} -> {options.output}{label}: {len(changes.added)} added, "
        f"{len(changes.changed)} changed, {len(changes.removed)} removed, {changes.unchanged} unchanged "
        f"in {result.seconds:.2f} s"
    )


def _check(options: pipeline.Options, args: argparse.Namespace) -> int:
    shown = progress.for_command(args.quiet)
    runs = _runs(options, args)
    with pipeline.Session() as session:  # the spec loaded and validated once for every target
        drifted = [run for run in runs if not _check_one(run, args, shown, _label(run, runs), session)]
    if not drifted:
        return EXIT_OK
    if len(runs) > 1:
        print(f"differs: {', '.join(f'{run.output} ({run.target})' for run in drifted)}")
    print("run `python -m generator generate` to update it")
    return EXIT_DRIFT


def _check_one(
    options: pipeline.Options, args: argparse.Namespace, shown: progress.Progress, label: str, session: pipeline.Session
) -> bool:
    """Whether the run's folder (and code samples file) is up to date; what differs is printed."""
    fresh = None if args.full else pipeline.unchanged(options, shown)
    if fresh is not None:
        shown.finish()
        _print_problems("warning", fresh.warnings)
        print(f"{options.output}{label} is up to date with {options.spec} ({fresh.changes.unchanged} files)")
        return True
    result = pipeline.check(options, shown, trust=not args.full, session=session)
    shown.finish()
    _print_problems("warning", result.warnings)
    changes = result.changes
    assert changes is not None
    if result.samples is not None:
        _check_samples(result.samples, result.samples_differ, options, args.diff)
    if not changes.differs:
        print(f"{options.output}{label} is up to date with {options.spec} ({changes.unchanged} files)")
        return not result.samples_differ
    print(f"{options.output}{label} differs from what {options.spec} generates:")
    for kind, paths in (("missing", changes.added), ("differs", changes.changed), ("stale", changes.removed)):
        for path in paths:
            print(f"  {kind:8} {path}")
    if args.diff:
        print(unified_diff(options.output, result.files, changes), end="")
    return False


def _check_samples(samples: pipeline.SamplesFile, differs: bool, options: pipeline.Options, diff: bool) -> None:
    state = "differs from" if differs else "is up to date with"
    print(f"{samples.path} {state} the code samples {options.spec} gives")
    if differs and diff:
        old = samples.path.read_text(encoding="utf-8", errors="replace") if samples.path.is_file() else ""
        print(
            "".join(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    samples.text.splitlines(keepends=True),
                    f"a/{samples.path}",
                    f"b/{samples.path}",
                )
            ),
            end="",
        )


def _keep(options: pipeline.Options, args: argparse.Namespace) -> int:
    options = pipeline.python_output(options, args.output)
    args.writing = options.output
    for kept in pipeline.keep(options, args.files):
        patch = options.output / kept.patch
        if kept.hunks:
            print(
                f"kept     {options.output / kept.target}: {kept.hunks} hunk{'s' if kept.hunks != 1 else ''} in {patch}"
            )
        else:
            print(
                f"{'removed' if kept.removed else 'no edits'} {options.output / kept.target}: no edits to keep"
                + (f" ({patch} deleted)" if kept.removed else "")
            )
    return EXIT_OK


def _validate(options: pipeline.Options, args: argparse.Namespace) -> int:
    warnings = pipeline.validate(options)
    _print_problems("warning", warnings)
    print(f"{options.spec}: valid" + (" (with warnings)" if warnings else ""))
    return EXIT_OK


def _inspect(options: pipeline.Options, args: argparse.Namespace) -> int:
    api, overlays = pipeline.inspect_with_overlays(options)
    if args.json:
        from generator.inspection import api_to_json

        print(_escaped_surrogates(json.dumps(api_to_json(api, overlays), indent=2, ensure_ascii=False, default=str)))
        return EXIT_OK
    print(_escaped_surrogates("\n".join(_inspection_lines(api, overlays))))
    return EXIT_OK


def _escaped_surrogates(text: str) -> str:
    """`text` with each lone surrogate (a spec may hold one as a JSON escape) written as a `\\uXXXX` escape:
    standard output is UTF-8, which cannot carry one, and inside a JSON string the escape means the same."""
    return _LONE_SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _inspection_lines(api: Api, overlays: Sequence[AppliedOverlay]) -> Iterator[str]:
    clients = f"{api.client_name}, {api.async_client_name}"
    yield f"{api.title} -> package {api.package} ({api.distribution}), clients {clients}"
    yield f"base URL {api.base_url or '(none)'}; {len(api.operations)} operations; {len(api.models)} types"
    for overlay in overlays:
        applied = f"{overlay.matched} of {overlay.actions} actions applied"
        yield f"overlay {overlay.file} ({overlay.title} {overlay.version}): {applied}"
    for op in api.operations:
        call = f"client.{'.'.join(op.resource_path)}.{op.name}({', '.join(p.name for p in op.parameters)})"
        yield f"  {call} -> {python_annotation(op.return_type)}    [{op.http_method} {op.path}]"


def _samples(options: pipeline.Options, args: argparse.Namespace) -> int:
    destination, text, api, warnings = pipeline.samples(options, args.format, args.output)
    _print_problems("warning", warnings)
    if destination is None:
        sys.stdout.write(text)
        return EXIT_OK
    changed = pipeline.write_samples(destination)
    count = len(api.operations)
    print(f"{'wrote' if changed else 'unchanged'} {destination.path}: samples for {count} operations (sync and async)")
    return EXIT_OK


def _release(options: pipeline.Options, args: argparse.Namespace) -> int:
    from generator import release

    options = pipeline.python_output(options, args.output)
    args.writing = options.output
    plan = release.release(options, args.since, args.dist, args.dry_run, release.LogFunction())
    if plan is not None:
        print("\nChangelog entry:\n\n" + plan.changelog_entry, end="")
    return EXIT_OK


def _diff(options: pipeline.Options, args: argparse.Namespace) -> int:
    from generator import diff_report
    from generator.diff import Level

    result = pipeline.diff(args.old, args.new, args.config, args.allow_outside_refs, args.strict_overlays)
    render = diff_report.as_json if args.json else diff_report.as_markdown if args.markdown else diff_report.as_text
    print(render(args.old, args.new, result.changes, result.bump), end="")
    threshold = {"breaking": Level.BREAKING, "possibly-breaking": Level.POSSIBLY_BREAKING}.get(args.fail_on or "")
    if threshold is not None and any(c.level_rank >= threshold.rank for c in result.changes):
        print(f"failing: {args.fail_on} changes found (--fail-on {args.fail_on})", file=sys.stderr)
        return EXIT_DRIFT
    return EXIT_OK


_COMMANDS = {
    "generate": _generate,
    "check": _check,
    "keep": _keep,
    "validate": _validate,
    "inspect": _inspect,
    "diff": _diff,
    "release": _release,
    "samples": _samples,
}


def _print_problems(kind: str, problems: list[Problem]) -> None:
    for problem in problems:
        print(f"{kind}: {problem}", file=sys.stderr)
    if len(problems) > 1:
        print(f"{len(problems)} {kind}s", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
