"""The whole job, top to bottom: load -> validate -> model -> render -> write (or compare)."""

from __future__ import annotations

import dataclasses
import hashlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.config import Config, load_config
from generator.errors import GeneratorError, Problem
from generator.freshness import file_digests, inputs_digest, spec_names
from generator.load import load_spec
from generator.model.build import build_api
from generator.model.ir import Api
from generator.progress import SILENT, Progress
from generator.render import render_project
from generator.sources import SpecSource, open_source
from generator.validate import Validation, validate_spec, validation_stamp
from generator.write import Cache, Changes, Stamps, compare, read_cache, read_stamps, with_manifest, write, write_cache

if TYPE_CHECKING:  # `diff` is imported by the commands that use it
    from generator.diff import Change, Side
    from generator.versioning import Bump

DEFAULT_SPEC = Path("specs/conductor.yaml")
DEFAULT_OUTPUT = Path("generated")


@dataclass(frozen=True)
class Options:
    spec: Path = DEFAULT_SPEC
    output: Path = DEFAULT_OUTPUT
    config: Path | None = None  # None: `<spec stem>.config.yaml` beside the spec, if it exists
    lenient: bool = False
    allow_outside_refs: bool = False
    version: str | None = None  # `release`: the version being cut, instead of the config's

    def flags(self) -> tuple[object, ...]:
        """The options that shape the output (not where the spec or the output folder are)."""
        return (self.lenient, self.allow_outside_refs, self.version)

    def config_path(self) -> Path | None:
        if self.config is not None:
            return self.config
        beside = self.spec.with_name(f"{self.spec.stem}.config.yaml")
        return beside if beside.is_file() else None


@dataclass
class Result:
    api: Api
    files: dict[str, str]
    warnings: list[Problem] = field(default_factory=list)
    changes: Changes | None = None
    seconds: float = 0.0
    validated: str | None = None  # stamp of the spec content that was validated
    validation_problems: list[Problem] = field(default_factory=list)  # what validating it found (lenient)
    inputs: str | None = None  # generator/freshness.py: names everything the files depend on
    spec_files: list[str] = field(default_factory=list)


@dataclass
class Unchanged:
    """A run that recognised its output folder as exactly what it would write (generator/freshness.py)."""

    operations: int
    warnings: list[Problem]
    changes: Changes
    seconds: float


def _config(options: Options) -> Config:
    config = load_config(options.config_path())
    return dataclasses.replace(config, version=options.version) if options.version else config


def build(options: Options, progress: Progress = SILENT, trust: bool = True) -> Result:
    """Everything up to rendered text in memory; nothing is written. With `trust` False, no earlier
    run's stamp is used: every file is formatted and the spec validated (`check --full`)."""
    started = time.perf_counter()
    with progress.stage("load"):
        config = _config(options)
        spec = load_spec(options.spec, allow_outside_refs=options.allow_outside_refs)
        # What earlier runs vouch for: the cache beside the output (this machine, git-ignored) and the
        # manifest's stamps (committed, so a fresh clone has them too). docs/speed.md: the trust model.
        cache = read_cache(options.output) if trust else Cache()
        stamps = read_stamps(options.output) if trust else Stamps()
    # Validation is the slowest stage after formatting; a spec whose exact content was already validated
    # is not validated again: its problems are replayed from the cache, or it is known to have none.
    stamp = validation_stamp(spec)
    if cache.validated == stamp:
        validation, skipped = None, "skipped: validated by an earlier run on this machine"
    elif stamps.validated == spec.digest():
        validation, skipped = None, "skipped: the manifest records this spec content as valid"
        cache.problems = []
    else:
        validation, skipped = Validation(spec, options.lenient), ""
    if validation is None and cache.problems and not options.lenient:
        raise GeneratorError(cache.problems)
    try:
        model_warnings: list[Problem] = []
        with progress.stage("model"):
            api = build_api(spec, config, model_warnings)
        rendered = render_project(api, stamps.formatted, progress)
    except Exception:
        if validation is not None:
            validation.result()  # an invalid spec is reported as such, not by what it broke downstream
        raise
    if validation is not None:
        waited = time.perf_counter()
        problems = validation.result()
        progress.record("validate", validation.seconds or 0.0,
                        f"beside the other stages; waited {time.perf_counter() - waited:.2f} s for it")  # fmt: skip
    else:
        problems = cache.problems
        progress.record("validate", 0.0, skipped)
    clean = spec.digest() if not problems else None  # only a validation without problems travels in the manifest
    files = with_manifest(rendered.files, rendered.format_keys, validated=clean)
    seconds = time.perf_counter() - started
    result = Result(api, files, [*problems, *model_warnings], seconds=seconds)
    result.validated, result.validation_problems = stamp, problems
    result.spec_files = spec_names(spec.base_dir, spec.documents)
    result.inputs = inputs_digest(options.flags(), options.config_path(), spec.base_dir, result.spec_files)
    return result


def unchanged(options: Options, progress: Progress = SILENT) -> Unchanged | None:
    """The result of `generate` or `check` when nothing changed since the last run into this folder
    on this machine, found without loading the spec; None when anything may have."""
    started = time.perf_counter()
    fresh = read_cache(options.output).fresh
    try:
        outputs, spec_files = dict(fresh["outputs"]), [str(name) for name in fresh["spec_files"]]
        warnings = [Problem(**problem) for problem in fresh["warnings"]]
        operations = int(fresh["operations"])
    except (KeyError, TypeError, ValueError):
        return None
    base = options.spec.resolve().parent
    if fresh.get("inputs") is None or inputs_digest(options.flags(), options.config_path(), base, spec_files) != fresh["inputs"]:
        return None
    if file_digests(options.output, outputs) != outputs:
        return None
    progress.record("unchanged", time.perf_counter() - started, "same inputs as the last run, output as it wrote it")
    return Unchanged(operations, warnings, Changes(unchanged=len(outputs)), time.perf_counter() - started)


def generate(options: Options, progress: Progress = SILENT) -> Result:
    result = build(options, progress)
    with progress.stage("write"):
        result.changes = write(options.output, result.files)
        fresh = {
            "inputs": result.inputs,
            "spec_files": result.spec_files,
            "outputs": {path: hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] for path, text in result.files.items()},
            "warnings": [dataclasses.asdict(problem) for problem in result.warnings],
            "operations": len(result.api.operations),
        }
        write_cache(options.output, result.validated, result.validation_problems, fresh)
    return result


def check(options: Options, progress: Progress = SILENT, trust: bool = True) -> Result:
    result = build(options, progress, trust)
    with progress.stage("compare"):
        result.changes = compare(options.output, result.files)
    return result


def validate(options: Options) -> list[Problem]:
    return validate_spec(load_spec(options.spec, options.allow_outside_refs), lenient=options.lenient)


def model(options: Options) -> Api:
    """The IR alone (no validation, warnings dropped): for commands that only need names."""
    return build_api(load_spec(options.spec, options.allow_outside_refs), _config(options))


def inspect(options: Options) -> Api:
    config = _config(options)
    spec = load_spec(options.spec, allow_outside_refs=options.allow_outside_refs)
    validate_spec(spec, lenient=options.lenient)
    warnings: list[Problem] = []
    api = build_api(spec, config, warnings)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return api


@dataclass
class DiffResult:
    changes: list[Change]
    bump: Bump | None  # what the changes call for, from the NEW side's configured version
    new_config: Config


def diff(old: str, new: str, config: Path | None = None, allow_outside_refs: bool = False) -> DiffResult:
    """Compare two specs (files or `GITREF:path`); each is named by its own config unless `config` is given."""
    from generator.diff import diff as diff_sides
    from generator.diff import highest
    from generator.versioning import bump_for

    with open_source(old) as old_source, open_source(new) as new_source:
        old_side, _ = _side(old_source, config, allow_outside_refs)
        new_side, new_config = _side(new_source, config, allow_outside_refs)
        changes = diff_sides(old_side, new_side)
    return DiffResult(changes, bump_for(highest(changes), new_config.version), new_config)


def _side(source: SpecSource, config: Path | None, allow_outside_refs: bool) -> tuple[Side, Config]:
    """Load and model one version; its problems name the file as the user wrote it (`main:specs/x.yaml`)."""
    from generator.diff import Side

    try:
        loaded_config = load_config(config or Options(spec=source.path).config_path())
        spec = load_spec(source.path, allow_outside_refs=allow_outside_refs)
        return Side(spec, build_api(spec, loaded_config)), loaded_config
    except GeneratorError as error:
        raise GeneratorError(
            [Problem(p.message, source.display(p.file) if p.file else None, p.pointer, p.line) for p in error.problems],
            error.exit_code,
        ) from None
