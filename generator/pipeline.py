"""The whole job, top to bottom: load -> validate -> model -> render -> write (or compare)."""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator import custom
from generator.config import Config, load_config
from generator.diff import Change, Side, highest
from generator.diff import diff as diff_sides
from generator.errors import GeneratorError, Problem
from generator.load import Spec, load_spec
from generator.model.build import build_api
from generator.model.ir import Api
from generator.overlay import AppliedOverlay, Overlaid, apply_overlays
from generator.render import render_project
from generator.samples import render as render_samples
from generator.sources import SpecSource, open_source
from generator.validate import Validation, validation_stamp
from generator.versioning import Bump, bump_for
from generator.write import Changes, compare, read_cache, with_manifest, write, write_cache

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
    write_samples: bool = True  # `generate` also writes the config's code samples file (not when staging a release)
    strict_overlays: bool = False  # an overlay action that selects nothing is an error, not a warning

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
    format_keys: dict[str, str] = field(default_factory=dict)  # for the cache the next run reads
    validated: str | None = None  # stamp of the spec content that was validated
    validation_problems: list[Problem] = field(default_factory=list)  # what validating it found (lenient)
    samples: SamplesFile | None = None  # the config's code samples file, as it must read
    samples_differ: bool = False  # `check`: that file is missing or differs
    overlays: list[AppliedOverlay] = field(default_factory=list)
    pristine: dict[str, str] = field(default_factory=dict)  # rendered files before the user's patches


@dataclass(frozen=True)
class SamplesFile:
    path: Path
    text: str


def _config(options: Options) -> Config:
    config = load_config(options.config_path())
    return dataclasses.replace(config, version=options.version) if options.version else config


def _load(options: Options, config: Config) -> tuple[Spec, Overlaid]:
    """The spec as loaded, with the config's overlays applied (generator/overlay.py)."""
    spec = load_spec(options.spec, allow_outside_refs=options.allow_outside_refs)
    return spec, apply_overlays(spec, config.overlays, options.strict_overlays)


def _validated(validation: Validation, overlaid: Overlaid) -> list[Problem]:
    try:
        return overlaid.annotate(validation.result(), str(validation.spec.entry))
    except GeneratorError as error:
        raise GeneratorError(overlaid.annotate(error.problems, str(validation.spec.entry)), error.exit_code) from None


def _modelled(spec: Spec, config: Config, warnings: list[Problem], overlaid: Overlaid) -> Api:
    """The model; its problems in values an overlay set say which overlay set them."""
    try:
        return build_api(spec, config, warnings)
    except GeneratorError as error:
        raise GeneratorError(overlaid.annotate(error.problems, str(spec.entry)), error.exit_code) from None


def build(options: Options, patches: bool = True) -> Result:
    """Everything up to rendered text in memory; nothing is written. `patches`: apply the user's kept edits."""
    started = time.perf_counter()
    config = _config(options)
    spec, overlaid = _load(options, config)
    # Validation is the slowest stage after formatting; a spec whose exact content an earlier run
    # validated (stamped in the cache beside the output) is not validated again: its problems are replayed.
    cache = read_cache(options.output)
    stamp = validation_stamp(spec) + (f" with overlays {overlaid.digest}" if overlaid.digest else "")
    validation = None if cache.validated == stamp else Validation(spec, options.lenient)
    if validation is None and cache.problems and not options.lenient:
        raise GeneratorError(cache.problems)
    try:
        model_warnings: list[Problem] = []
        api = custom.with_mixins(_modelled(spec, config, model_warnings, overlaid), config, options.output)
        rendered = render_project(api, cache.formatted)
    except Exception:
        if validation is not None:
            _validated(validation, overlaid)  # an invalid spec is reported as such, not by what it broke downstream
        raise
    problems = _validated(validation, overlaid) if validation is not None else cache.problems
    custom.check_reserved(rendered.files, api.package)
    custom.check_mixins(rendered.files, api, config.file)
    patched = custom.apply_patches(options.output, rendered.files) if patches else custom.Patched(rendered.files, set())
    files = with_manifest(patched.files)
    # A patched file's text is not black's output: it is formatted afresh each run rather than cached.
    format_keys = {path: key for path, key in rendered.format_keys.items() if path not in patched.paths}
    seconds = time.perf_counter() - started
    warnings = [*overlaid.warnings, *problems, *overlaid.annotate(model_warnings, str(spec.entry))]
    result = Result(api, files, warnings, seconds=seconds, format_keys=format_keys)
    result.validated, result.validation_problems = stamp, problems
    if config.samples is not None:
        result.samples = SamplesFile(config.samples.path, _samples_text(api, spec, config.samples.format, config.samples.path, options))
    result.overlays, result.pristine = overlaid.applied, rendered.files
    return result


def generate(options: Options) -> Result:
    result = build(options)
    result.changes = write(options.output, result.files)
    write_cache(options.output, result.files, result.format_keys, result.validated, result.validation_problems)
    if result.samples is not None and options.write_samples:
        result.samples_differ = write_samples(result.samples)
    return result


def check(options: Options) -> Result:
    result = build(options)
    result.changes = compare(options.output, result.files)
    result.samples_differ = result.samples is not None and not _same(result.samples)
    return result


# --- code samples (generator/samples.py) -------------------------------------------------------------


def samples(options: Options, form: str | None, output: Path | None) -> tuple[SamplesFile | None, str, Api, list[Problem]]:
    """The code samples for `samples`: (where they go, None for stdout; the text; the model; warnings).

    Without `-o` they go where the config's `samples` says, else to stdout; the format is `form`, else the
    config's, else an overlay.
    """
    config = _config(options)
    spec, overlaid = _load(options, config)
    warnings = [*overlaid.warnings, *_validated(Validation(spec, options.lenient, background=False), overlaid)]
    api = _modelled(spec, config, warnings, overlaid)
    destination = output or (config.samples.path if config.samples else None)
    form = form or (config.samples.format if config.samples else "overlay")
    text = _samples_text(api, spec, form, destination, options)
    return (SamplesFile(destination, text) if destination else None), text, api, warnings


def _samples_text(api: Api, spec: Spec, form: str, destination: Path | None, options: Options) -> str:
    """JSON when the destination is a .json file, YAML for .yaml/.yml; otherwise the spec's own syntax."""
    suffix = (destination.suffix if destination else "").lower()
    is_json = suffix == ".json" if suffix in (".json", ".yaml", ".yml") else spec.entry.suffix.lower() == ".json"
    if form == "spec":
        is_json = spec.entry.suffix.lower() == ".json"  # the spec, merged, keeps its own syntax
    extends = options.spec.as_posix()
    if destination is not None:
        extends = Path(os.path.relpath(options.spec.resolve(), destination.resolve().parent)).as_posix()
    text = spec.entry.read_text(encoding="utf-8")
    return render_samples(api, spec, text, form, is_json, extends)


def _same(samples: SamplesFile) -> bool:
    return samples.path.is_file() and samples.path.read_bytes() == samples.text.encode("utf-8")


def write_samples(samples: SamplesFile) -> bool:
    """Write the samples file unless it already holds the text (replaced whole, never half-written);
    True when it changed."""
    if _same(samples):
        return False
    samples.path.parent.mkdir(parents=True, exist_ok=True)
    staged = samples.path.with_name(f".{samples.path.name}.tmp")
    with open(staged, "w", encoding="utf-8", newline="") as handle:
        handle.write(samples.text)
    os.replace(staged, samples.path)
    return True
def keep(options: Options, files: list[Path]) -> list[custom.Kept]:
    """Record the user's edits of generated `files` as patches (docs/custom-code.md)."""
    out = options.output.resolve()
    outside = [Problem(f"not inside the output folder {options.output}", str(f)) for f in files
               if not f.resolve().is_relative_to(out)]  # fmt: skip
    if outside:
        raise GeneratorError(outside)
    result = build(options, patches=False)
    return custom.keep(options.output, result.pristine, [f.resolve().relative_to(out).as_posix() for f in files])


def validate(options: Options) -> list[Problem]:
    spec, overlaid = _load(options, _config(options))
    return overlaid.warnings + _validated(Validation(spec, options.lenient, background=False), overlaid)


def model(options: Options) -> Api:
    """The IR alone (no validation, warnings dropped): for commands that only need names."""
    config = _config(options)
    return build_api(_load(options, config)[0], config)


def inspect(options: Options) -> Api:
    return inspect_with_overlays(options)[0]


def inspect_with_overlays(options: Options) -> tuple[Api, list[AppliedOverlay]]:
    config = _config(options)
    spec, overlaid = _load(options, config)
    problems = _validated(Validation(spec, options.lenient, background=False), overlaid)
    warnings: list[Problem] = [*overlaid.warnings, *problems]
    api = build_api(spec, config, warnings)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return api, overlaid.applied


@dataclass
class DiffResult:
    changes: list[Change]
    bump: Bump | None  # what the changes call for, from the NEW side's configured version
    new_config: Config


def diff(old: str, new: str, config: Path | None = None, allow_outside_refs: bool = False,
         strict_overlays: bool = False) -> DiffResult:  # fmt: skip
    """Compare two specs (files or `GITREF:path`); each is named by its own config unless `config` is given.

    Each side is the spec with its config's overlays applied, as `generate` sees it.
    """
    with open_source(old) as old_source, open_source(new) as new_source:
        old_side, _ = _side(old_source, config, allow_outside_refs, strict_overlays)
        new_side, new_config = _side(new_source, config, allow_outside_refs, strict_overlays)
        changes = diff_sides(old_side, new_side)
    return DiffResult(changes, bump_for(highest(changes), new_config.version), new_config)


def _side(source: SpecSource, config: Path | None, allow_outside_refs: bool,
          strict_overlays: bool) -> tuple[Side, Config]:  # fmt: skip
    """Load and model one version; its problems name the file as the user wrote it (`main:specs/x.yaml`)."""
    try:
        loaded_config = load_config(config or Options(spec=source.path).config_path())
        options = Options(spec=source.path, allow_outside_refs=allow_outside_refs, strict_overlays=strict_overlays)
        spec, overlaid = _load(options, loaded_config)
        for warning in overlaid.warnings:
            print(f"warning: {Problem(warning.message, source.display(warning.file or ''), warning.pointer, warning.line)}",
                  file=sys.stderr)  # fmt: skip
        return Side(spec, build_api(spec, loaded_config)), loaded_config
    except GeneratorError as error:
        raise GeneratorError(
            [Problem(p.message, source.display(p.file) if p.file else None, p.pointer, p.line) for p in error.problems],
            error.exit_code,
        ) from None
