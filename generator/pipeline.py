"""The whole job, top to bottom: load -> validate -> model -> render -> write (or compare)."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from generator import custom, registry
from generator.config import Config, load_config
from generator.errors import GeneratorError, Problem
from generator.freshness import file_digests, inputs_digest, spec_names
from generator.model.build import build_api
from generator.model.ir import Api
from generator.model.naming import Naming
from generator.progress import SILENT, Progress
from generator.samples import javascript_package
from generator.samples import render as render_samples
from generator.sources import SpecSource, open_source
from generator.spec.load import Spec, load_spec
from generator.spec.overlay import AppliedOverlay, Overlaid, apply_overlays
from generator.spec.refs import RefError
from generator.targets import Job
from generator.targets.python.naming import PYTHON_NAMING
from generator.validate import Validation, Validator, validation_stamp
from generator.write import (
    Cache,
    Changes,
    Stamps,
    after_failure,
    compare,
    create_file,
    digest,
    exclusive,
    read_cache,
    read_record,
    read_stamps,
    with_manifest,
    write,
    write_cache,
)

if TYPE_CHECKING:  # `diff` is imported by the commands that use it
    from generator.diff import Change
    from generator.versioning import Bump

DEFAULT_SPEC = Path("specs/conductor.yaml")
DEFAULT_OUTPUT = Path("generated")


_T = TypeVar("_T")


@dataclass(frozen=True)
class Options:
    spec: Path = DEFAULT_SPEC
    output: Path = DEFAULT_OUTPUT
    config: Path | None = None  # None: `<spec stem>.config.yaml` beside the spec, if it exists
    lenient: bool = False
    allow_outside_refs: bool = False
    version: str | None = None  # `release`: the version being cut, instead of the config's
    write_samples: bool = True  # `generate` also writes the config's code samples file (not when staging a release)
    strict_overlays: bool = False  # an overlay action that selects nothing is an error, not a warning
    force: bool = False  # write into a folder without a manifest even if that replaces files (`--force`)
    target: str = registry.DEFAULT_TARGET  # which target renders into `output` (generator/registry.py)

    def flags(self) -> tuple[object, ...]:
        """The options that shape the output (not where the spec or the output folder are)."""
        return (self.lenient, self.allow_outside_refs, self.version, self.strict_overlays)

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
    samples: SamplesFile | None = None  # the config's code samples file, as it must read
    samples_differ: bool = False  # `check`: that file is missing or differs
    overlays: list[AppliedOverlay] = field(default_factory=list)
    pristine: dict[str, str] = field(default_factory=dict)  # rendered files before the user's patches
    inputs: str | None = None  # generator/freshness.py: names everything the files depend on
    spec_files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SamplesFile:
    path: Path
    text: str


@dataclass
class Unchanged:
    """A run that recognised its output folder as exactly what it would write (generator/freshness.py)."""

    operations: int
    warnings: list[Problem]
    changes: Changes
    seconds: float


def _config(options: Options) -> Config:
    config = load_config(options.config_path())
    registry.check_config(config)
    return dataclasses.replace(config, version=options.version) if options.version else config


def runs(options: Options, target: str | None, output: Path | None) -> list[Options]:
    """The runs of a `generate` or `check`: one per target it writes, each into its own folder. `target` is
    `--target` (None: every target the config names), `output` is `-o` (None: each one's configured folder);
    generator/registry.py has the rules."""
    config = _config(options)
    return [
        dataclasses.replace(options, target=run.target, output=run.output)
        for run in registry.destinations(config, target, output, DEFAULT_OUTPUT)
    ]


def python_output(options: Options, output: Path | None) -> Options:
    """`options` into `-o`, else the Python target's configured folder: for the commands that work on the
    Python SDK alone (`keep`, `release`)."""
    return dataclasses.replace(options, output=output or registry.python_output(_config(options), DEFAULT_OUTPUT))


def _load(options: Options, config: Config) -> tuple[Spec, Overlaid]:
    """The spec as loaded, with the config's overlays applied (generator/overlay.py)."""
    spec = load_spec(options.spec, allow_outside_refs=options.allow_outside_refs)
    return spec, apply_overlays(spec, config.overlays, options.strict_overlays)


def _validated(validation: Validation, overlaid: Overlaid) -> list[Problem]:
    try:
        return overlaid.annotate(validation.result(), str(validation.spec.entry))
    except GeneratorError as error:
        raise GeneratorError(overlaid.annotate(error.problems, str(validation.spec.entry)), error.exit_code) from None


def _modelled(spec: Spec, config: Config, warnings: list[Problem], overlaid: Overlaid, naming: Naming) -> Api:
    """The model, named for one target; its problems in values an overlay set say which overlay set them."""
    try:
        return build_api(spec, config, naming, warnings)
    except GeneratorError as error:
        raise GeneratorError(overlaid.annotate(error.problems, str(spec.entry)), error.exit_code) from None


def _flags(options: Options, config: Config) -> tuple[object, ...]:
    """What shapes the output besides the spec and config: the options, and the bytes of the overlays and of the
    user's kept edits (`patches/`), so that `unchanged` never mistakes a run with other ones for the same."""
    extra = [*config.overlays, *sorted((options.output / custom.PATCHES).rglob("*.patch"))]
    digests = []
    for path in extra:
        try:
            digests.append((path.as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()))
        except OSError:
            digests.append((path.as_posix(), "missing"))
    # Another target into the same folder is another run; the default target's name is left out, so that the
    # records of runs from before targets existed stay valid.
    target = () if options.target == registry.DEFAULT_TARGET else (f"target {options.target}",)
    # The entry file: another spec beside it is another run.
    return (*options.flags(), options.spec.name, *digests, *target)


class Session:
    """What the runs of one command share (`generate` or `check` of a config naming several targets): the config
    and the spec are loaded once, and the spec is validated at most once, whichever run first needs it; each run
    then models and renders its own target from them. The validator's process a first `generate` started before
    the generator's imports (generator/__main__.py) is taken by the first run and ended with the session."""

    def __init__(self) -> None:
        self._loaded: tuple[tuple[object, ...], Config, Spec, Overlaid] | None = None
        self._validation: Validation | None = None
        self._validator: Validator | None = Validator.prestarted()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the validator's process if no run used it (an earlier run's stamp, or a failure), and a
        validation a run started but never awaited (it was interrupted)."""
        if self._validator is not None:
            self._validator.close()
            self._validator = None
        if self._validation is not None:
            self._validation.abandon()

    def loaded(self, options: Options) -> tuple[Config, Spec, Overlaid]:
        """The config, the spec and its overlays for `options`, loaded by the first run. Runs differ in their
        target and folder alone; any other difference loads afresh."""
        key = (
            options.spec,
            options.config_path(),
            options.allow_outside_refs,
            options.strict_overlays,
            options.version,
        )
        if self._loaded is None or self._loaded[0] != key:
            config = _config(options)
            spec, overlaid = _load(options, config)
            self._loaded, self._validation = (key, config, spec, overlaid), None
        return self._loaded[1], self._loaded[2], self._loaded[3]

    def validation(self, spec: Spec, lenient: bool) -> tuple[Validation, bool]:
        """The spec's validation, started by the first run that needs it (and whether an earlier run did)."""
        if self._validation is not None and self._validation.spec is spec and self._validation.lenient == lenient:
            return self._validation, True
        self._validation = Validation(spec, lenient, validator=self._validator)
        self._validator = None  # taken, or (when it could not take the spec) ended by `Validation`
        return self._validation, False


def build(
    options: Options,
    progress: Progress = SILENT,
    trust: bool = True,
    patches: bool = True,
    session: Session | None = None,
) -> Result:
    """Everything up to rendered text in memory; nothing is written. With `trust` False, no earlier
    run's stamp is used: every file is formatted and the spec validated (`check --full`). `patches`: apply
    the user's kept edits (docs/custom-code.md). `session`: what the other runs of the same command loaded."""
    if session is not None:
        return _build(options, progress, trust, patches, session)
    with Session() as alone:
        return _build(options, progress, trust, patches, alone)


def _build(options: Options, progress: Progress, trust: bool, patches: bool, session: Session) -> Result:
    started = time.perf_counter()
    with progress.stage("load"):
        config, spec, overlaid = session.loaded(options)
        # What earlier runs vouch for: the cache beside the output (this machine, git-ignored) and the
        # manifest's stamps (committed, so a fresh clone has them too). docs/speed.md: the trust model.
        cache = read_cache(options.output) if trust else Cache()
        stamps = read_stamps(options.output) if trust else Stamps()
    # Validation is the slowest stage after formatting; a spec whose exact content (overlays applied) was
    # already validated is not validated again: its problems are replayed from the cache, or it has none.
    content = spec.digest() + (f" with overlays {overlaid.digest}" if overlaid.digest else "")
    stamp = validation_stamp(spec) + (f" with overlays {overlaid.digest}" if overlaid.digest else "")
    validation: Validation | None = None
    if cache.validated == stamp:
        skipped = "skipped: validated by an earlier run on this machine"
    elif stamps.validated == content:
        skipped = "skipped: the manifest records this spec content as valid"
        cache.problems = []
    else:
        validation, again = session.validation(spec, options.lenient)
        skipped = "validated once for every target of this command" if again else ""
    if validation is None and cache.problems and not options.lenient:
        raise GeneratorError(cache.problems)
    try:
        model_warnings: list[Problem] = []
        target, target_options = registry.target(options.target), registry.options_of(config, options.target)
        with progress.stage("model"):
            api = _modelled(spec, config, model_warnings, overlaid, target.naming)
            if target.python_sdk:  # the mixins are the user's modules in the Python package's lib/
                api = custom.with_mixins(api, config, options.output)
        with _out_of_collection():
            rendered = target.render(
                Job(
                    api,
                    spec,
                    config,
                    target_options,
                    overlaid=bool(overlaid.digest),
                    formatted=stamps.formatted,
                    progress=progress,
                    verify=not trust,
                )
            )
    except Exception:
        if validation is not None:
            _validated(validation, overlaid)  # an invalid spec is reported as such, not by what it broke downstream
        raise
    problems = _awaited(validation, overlaid, cache, skipped, progress)
    custom.check_reserved(rendered.files, api.package)
    custom.check_mixins(rendered.files, api, config.file)
    patched = custom.apply_patches(options.output, rendered.files) if patches else custom.Patched(rendered.files, set())
    # A patched file's text is not black's output: it carries no format stamp and is formatted afresh each run.
    format_keys = {path: key for path, key in rendered.format_keys.items() if path not in patched.paths}
    clean = content if not problems else None  # only a validation without problems travels in the manifest
    warnings = [*overlaid.warnings, *problems, *overlaid.annotate(model_warnings, str(spec.entry))]
    samples = _configured_samples(api, spec, config, options) if target.python_sdk else None
    spec_files = spec_names(spec.base_dir, spec.documents)
    inputs = inputs_digest(_flags(options, config), options.config_path(), spec.base_dir, spec_files)
    # What lets `check` on a fresh clone recognise this output without rendering it (`unchanged`), with the
    # warnings it replays (a lenient run's validation problems among them: the same inputs, the same problems).
    record = None
    if inputs is not None:
        record = {
            "inputs": inputs,
            "spec_files": spec_files,
            "operations": len(api.operations),
            "samples": digest(samples.text) if samples is not None else None,
            "warnings": [_portable(problem, spec.base_dir) for problem in warnings],
        }
    files = with_manifest(patched.files, format_keys, validated=clean, record=record)
    result = Result(api, files, warnings, seconds=time.perf_counter() - started)
    result.validated, result.validation_problems = stamp, problems
    result.samples = samples
    result.overlays, result.pristine = overlaid.applied, rendered.files
    result.spec_files, result.inputs = spec_files, inputs
    return result


@contextlib.contextmanager
def _out_of_collection() -> Iterator[None]:
    """Everything alive so far (the spec, its typed nodes, the IR) kept out of the cycle collector's passes while
    the block runs: rendering allocates much, and each full pass would walk that large, long-lived graph again
    (about 8% of a first run's CPU on openai's spec). Given back to the collector after, so nothing leaks when
    the pipeline runs many times in one process (the tests)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _awaited(
    validation: Validation | None, overlaid: Overlaid, cache: Cache, skipped: str, progress: Progress
) -> list[Problem]:
    """The spec's validation problems: awaited from the validator running beside the other stages, or, with
    no `validation`, replayed from the cache (`skipped` says why, or that an earlier run awaited it)."""
    if validation is None:
        progress.record("validate", 0.0, skipped)
        return cache.problems
    if skipped:  # an earlier run of the same command validated this spec
        problems = _validated(validation, overlaid)
        progress.record("validate", 0.0, skipped)
        return problems
    waited = time.perf_counter()
    problems = _validated(validation, overlaid)
    progress.record(
        "validate",
        validation.seconds or 0.0,
        f"beside the other stages; waited {time.perf_counter() - waited:.2f} s for it",
    )
    return problems


def _configured_samples(api: Api, spec: Spec, config: Config, options: Options) -> SamplesFile | None:
    """The samples file the config's `samples` asks `generate` to write beside the output, if any."""
    if config.samples is None:
        return None
    return SamplesFile(
        config.samples.path, _samples_text(api, spec, config, config.samples.format, config.samples.path, options)
    )


def unchanged(options: Options, progress: Progress = SILENT) -> Unchanged | None:
    """The result of `generate` or `check` when nothing changed since the last run into this folder
    on this machine, found without loading the spec; None when anything may have."""
    started = time.perf_counter()
    fresh = read_cache(options.output).fresh
    try:
        outputs, spec_files = dict(fresh["outputs"]), [str(name) for name in fresh["spec_files"]]
        warnings = [Problem(**problem) for problem in fresh["warnings"]]
        operations = int(fresh["operations"])
        samples = {str(path): str(digest) for path, digest in dict(fresh.get("samples") or {}).items()}
        flags = _flags(options, _config(options))
    except (KeyError, TypeError, ValueError, GeneratorError):
        return _committed_unchanged(options, progress, started)
    base = options.spec.resolve().parent
    if fresh.get("inputs") is None or inputs_digest(flags, options.config_path(), base, spec_files) != fresh["inputs"]:
        return _committed_unchanged(options, progress, started)
    if file_digests(options.output, outputs) != outputs:
        return None
    if any(_digest_of(Path(path)) != digest for path, digest in samples.items()):  # the code samples file, as written
        return None
    progress.record("unchanged", time.perf_counter() - started, "same inputs as the last run, output as it wrote it")
    return Unchanged(operations, warnings, Changes(unchanged=len(outputs)), time.perf_counter() - started)


def _portable(problem: Problem, base: Path) -> dict[str, Any]:
    """A warning as the committed manifest records it: its file relative to the spec's folder, so the record
    is the same wherever the repository is checked out."""
    fields = dataclasses.asdict(problem)
    prefix = str(base) + os.sep
    fields["message"] = problem.message.replace(prefix, "")
    if problem.file is not None and problem.file.startswith(prefix):
        fields["file"] = "./" + problem.file.removeprefix(prefix)
    return fields


def _local(fields: dict[str, Any], base: Path) -> Problem:
    problem = Problem(**fields)
    if problem.file is not None and problem.file.startswith("./"):
        problem = dataclasses.replace(problem, file=str(base / problem.file[2:]))
    return problem


def _committed_unchanged(options: Options, progress: Progress, started: float) -> Unchanged | None:
    """`unchanged` from the committed manifest's record instead of this machine's cache (a fresh clone):
    the same inputs as the run that wrote the output, every listed file as it wrote it, and the code
    samples file as it wrote it. docs/speed.md has what this trusts."""
    recorded = read_record(options.output)
    if recorded is None:
        return None
    record, digests = recorded
    try:
        config = _config(options)
        spec_files = [str(name) for name in record["spec_files"]]
        inputs = inputs_digest(
            _flags(options, config), options.config_path(), options.spec.resolve().parent, spec_files
        )
        operations = int(record["operations"])
        warnings = [_local(problem, options.spec.resolve().parent) for problem in record.get("warnings") or []]
    except (KeyError, TypeError, ValueError, GeneratorError):
        return None
    if inputs is None or inputs != record.get("inputs"):
        return None
    if file_digests(options.output, digests) != digests:
        return None
    samples = config.samples if registry.target(options.target).python_sdk else None  # written with the SDK
    if samples is not None and _digest_of(samples.path) != record.get("samples"):
        return None
    progress.record(
        "unchanged", time.perf_counter() - started, "same inputs as the run the manifest records, output as it wrote it"
    )
    return Unchanged(operations, warnings, Changes(unchanged=len(digests) + 1), time.perf_counter() - started)


def _digest_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:32]
    except OSError:
        return None


def generate(options: Options, progress: Progress = SILENT, session: Session | None = None) -> Result:
    result = build(options, progress, session=session)
    with progress.stage("write"), exclusive_output(options.output):
        result.changes = write(options.output, result.files, options.force)
        if result.samples is not None and options.write_samples:
            result.samples_differ = write_samples(result.samples)
        samples = result.samples if options.write_samples else None
        fresh = {
            "inputs": result.inputs,
            "spec_files": result.spec_files,
            "outputs": {
                path: hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] for path, text in result.files.items()
            },
            "samples": {str(samples.path.resolve()): _digest_of(samples.path)} if samples is not None else {},
            "warnings": [dataclasses.asdict(problem) for problem in result.warnings],
            "operations": len(result.api.operations),
        }
        write_cache(options.output, result.validated, result.validation_problems, fresh)
    return result


@contextmanager
def exclusive_output(out: Path) -> Iterator[None]:
    """The output folder locked for this run (generator/write.py: `exclusive`); a failure of the file system
    while writing it (disk full, a read-only folder) is reported as such (exit 2), with what it left there."""
    try:
        with exclusive(out):
            yield
    except OSError as error:
        where = f" {error.filename}" if error.filename else ""
        raise GeneratorError(
            Problem(f"cannot write{where}: {error.strerror or error}; {after_failure(out)}", str(out))
        ) from None


def check(options: Options, progress: Progress = SILENT, trust: bool = True, session: Session | None = None) -> Result:
    result = build(options, progress, trust, session=session)
    with progress.stage("compare"):
        result.changes = compare(options.output, result.files, strict_record=False)
        result.samples_differ = result.samples is not None and not _same(result.samples)
    return result


# --- code samples (generator/samples.py) -------------------------------------------------------------


def samples(
    options: Options, form: str | None, output: Path | None
) -> tuple[SamplesFile | None, str, Api, list[Problem]]:
    """The code samples for `samples`: (where they go, None for stdout; the text; the model; warnings).

    Without `-o` they go where the config's `samples` says, else to stdout; the format is `form`, else the
    config's, else an overlay.
    """
    config = _config(options)
    spec, overlaid = _load(options, config)
    warnings = [*overlaid.warnings, *_validated(Validation(spec, options.lenient, background=False), overlaid)]
    api = _modelled(spec, config, warnings, overlaid, PYTHON_NAMING)  # samples are Python
    destination = output or (config.samples.path if config.samples else None)
    form = form or (config.samples.format if config.samples else "overlay")
    text = _samples_text(api, spec, config, form, destination, options)
    return (SamplesFile(destination, text) if destination else None), text, api, warnings


def _samples_text(  # noqa: PLR0913 - what the samples file depends on
    api: Api, spec: Spec, config: Config, form: str, destination: Path | None, options: Options
) -> str:
    """JSON when the destination is a .json file, YAML for .yaml/.yml; otherwise the spec's own syntax. With
    the TypeScript target in the config, the samples include JavaScript ones (generator/samples.py)."""
    suffix = (destination.suffix if destination else "").lower()
    is_json = suffix == ".json" if suffix in (".json", ".yaml", ".yml") else spec.entry.suffix.lower() == ".json"
    if form == "spec":
        is_json = spec.entry.suffix.lower() == ".json"  # the spec, merged, keeps its own syntax
    extends = options.spec.as_posix()
    if destination is not None:
        extends = Path(os.path.relpath(options.spec.resolve(), destination.resolve().parent)).as_posix()
    return render_samples(api, spec, form, is_json, extends, javascript_package(api, config))


def _same(samples: SamplesFile) -> bool:
    return samples.path.is_file() and samples.path.read_bytes() == samples.text.encode("utf-8")


def write_samples(samples: SamplesFile) -> bool:
    """Write the samples file unless it already holds the text (replaced whole, never half-written);
    True when it changed."""
    if _same(samples):
        return False
    samples.path.parent.mkdir(parents=True, exist_ok=True)
    staged = samples.path.with_name(f".{samples.path.name}.tmp")
    staged.unlink(missing_ok=True)  # a leftover, or a link: removed, never written through
    create_file(staged, samples.text, sync=False)
    os.replace(staged, samples.path)
    return True


# --- kept edits (generator/custom.py) ----------------------------------------------------------------


def keep(options: Options, files: list[Path]) -> list[custom.Kept]:
    """Record the user's edits of generated `files` as patches (docs/custom-code.md)."""
    out = options.output.resolve()
    outside = [
        Problem(f"not inside the output folder {options.output}", str(f))
        for f in files
        if not f.resolve().is_relative_to(out)
    ]
    if outside:
        raise GeneratorError(outside)
    result = build(options, patches=False)
    with exclusive_output(options.output):
        kept = custom.keep(options.output, result.pristine, [f.resolve().relative_to(out).as_posix() for f in files])
        # Then the folder is what `generate` now writes, the kept edits in place: the manifest no longer stamps
        # the patched files as black's output, so `check` passes.
        generate(options)
    return kept


def validate(options: Options) -> list[Problem]:
    spec, overlaid = _load(options, _config(options))
    return overlaid.warnings + _validated(Validation(spec, options.lenient, background=False), overlaid)


def model(options: Options) -> Api:
    """The IR alone (no validation, warnings dropped): for commands that only need names."""
    config = _config(options)
    return build_api(_load(options, config)[0], config, PYTHON_NAMING)


def inspect(options: Options) -> Api:
    return inspect_with_overlays(options)[0]


def inspect_with_overlays(options: Options) -> tuple[Api, list[AppliedOverlay]]:
    config = _config(options)
    spec, overlaid = _load(options, config)
    problems = _validated(Validation(spec, options.lenient, background=False), overlaid)
    warnings: list[Problem] = [*overlaid.warnings, *problems]
    api = build_api(spec, config, PYTHON_NAMING, warnings)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return api, overlaid.applied


@dataclass
class DiffResult:
    changes: list[Change]
    bump: Bump | None  # what the changes call for, from the NEW side's configured version
    new_config: Config


def diff(
    old: str, new: str, config: Path | None = None, allow_outside_refs: bool = False, strict_overlays: bool = False
) -> DiffResult:
    """Compare two specs (files or `GITREF:path`); each is named by its own config unless `config` is given.

    Each side is the spec with its config's overlays applied, as `generate` sees it.
    """
    from generator.diff import Side, highest
    from generator.diff import diff as diff_sides
    from generator.versioning import bump_for

    with open_source(old) as old_source, open_source(new) as new_source:
        old_spec, old_config = _displayed(
            old_source, lambda: _side(old_source, config, allow_outside_refs, strict_overlays)
        )
        new_spec, new_config = _displayed(
            new_source, lambda: _side(new_source, config, allow_outside_refs, strict_overlays)
        )
        # A `type_names` pin of a schema only one version has applies to that version (the line `diff` suggests
        # for a renamed type points into the new one); a pin neither version has is still an error.
        old_config, new_config = (
            _pins_found(old_config, old_spec, [new_spec]),
            _pins_found(new_config, new_spec, [old_spec]),
        )
        old_side = Side(old_spec, _displayed(old_source, lambda: build_api(old_spec, old_config, PYTHON_NAMING)))
        new_side = Side(new_spec, _displayed(new_source, lambda: build_api(new_spec, new_config, PYTHON_NAMING)))
        changes = diff_sides(old_side, new_side)
    return DiffResult(changes, bump_for(highest(changes), new_config.version), new_config)


def _side(
    source: SpecSource, config: Path | None, allow_outside_refs: bool, strict_overlays: bool
) -> tuple[Spec, Config]:
    """Load one version and its config."""
    loaded_config = load_config(config or Options(spec=source.path).config_path())
    registry.check_config(loaded_config)
    options = Options(spec=source.path, allow_outside_refs=allow_outside_refs, strict_overlays=strict_overlays)
    spec, overlaid = _load(options, loaded_config)
    for warning in overlaid.warnings:
        print(
            f"warning: {Problem(warning.message, source.display(warning.file or ''), warning.pointer, warning.line)}",
            file=sys.stderr,
        )
    return spec, loaded_config


def _displayed(source: SpecSource, step: Callable[[], _T]) -> _T:
    """`step()`, its problems naming the file as the user wrote it (`main:specs/x.yaml`)."""
    try:
        return step()
    except GeneratorError as error:
        raise GeneratorError(
            [Problem(p.message, source.display(p.file) if p.file else None, p.pointer, p.line) for p in error.problems],
            error.exit_code,
        ) from None


def _pins_found(config: Config, spec: Spec, others: list[Spec]) -> Config:
    """`config` without the `type_names` pins that point at nothing in `spec` but at something in another version."""

    def has(version: Spec, pointer: str) -> bool:
        try:
            version.resolve(pointer, version.entry)
        except RefError:
            return False
        return True

    kept = {
        pointer: name
        for pointer, name in config.type_names.items()
        if has(spec, pointer) or not any(has(other, pointer) for other in others)
    }
    return config if kept == config.type_names else dataclasses.replace(config, type_names=kept)
