"""Stage 2: check the loaded spec against the OpenAPI schema (openapi-spec-validator).

Every error is reported, each with its file, line (YAML) and JSON pointer. With `lenient`, errors come
back as warnings and the caller goes on, provided the document still has the shape the model needs.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import multiprocessing
import multiprocessing.process
import resource
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import nullcontext
from functools import lru_cache
from typing import Any

from generator import validator_speedups
from generator.errors import GeneratorError, Problem, pointer_from_parts
from generator.spec.limits import RECURSION_LIMIT
from generator.spec.load import Document, Spec

MAX_REPORTED = 200
# The forked validator may take this long and this much memory beyond what the generator already holds; a
# spec that needs more is reported as not validated instead of stalling CI or taking the machine's memory.
VALIDATE_SECONDS = 600
VALIDATE_EXTRA_BYTES = 2 * 1024**3
_QUIET_SIGNALS = {signal.SIGINT, signal.SIGTERM}


VALIDATOR = f"openapi-spec-validator {importlib.metadata.version('openapi-spec-validator')}"


def validation_stamp(spec: Spec) -> str:
    """Names this exact spec content and validator: a spec once found valid need not be validated again."""
    return f"{spec.digest()} by {VALIDATOR}"


def validate_spec(spec: Spec, lenient: bool = False) -> list[Problem]:
    """Raise GeneratorError listing every validation error; in lenient mode return them instead."""
    return Validation(spec, lenient, background=False).result()


class Validation:
    """Validation of one spec, run in a forked process while the caller goes on building the model.

    On a 2-core machine validating a large spec takes about as long as everything else up to
    formatting; running both at once saves most of it. Where fork is not available, or when asked,
    it runs in the caller. `result()` returns the warnings or raises, exactly as validating in line.
    """

    def __init__(self, spec: Spec, lenient: bool, background: bool = True, validator: Validator | None = None) -> None:
        self.spec, self.lenient = spec, lenient
        self._version = _openapi_version(spec.root, str(spec.entry))  # quick problems are raised at once
        self._problems: list[Problem] | None = None
        self.started = time.perf_counter()
        self.seconds: float | None = None  # how long validating took, once `result()` has returned
        self._process: multiprocessing.process.BaseProcess | None = None
        self._lines = False  # whether problems come back without their YAML lines (from `validator`)
        if validator is not None and validator.send(spec, self._version, self.started):
            self._process, self._receiver, self._lines = validator.process, validator.receiver, True
        elif background and "fork" in multiprocessing.get_all_start_methods():
            self._receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
            self._process = multiprocessing.get_context("fork").Process(target=self._run, args=(sender,), daemon=True)
            _start_quietly(self._process)
            sender.close()

    def _run(self, sender: Any) -> None:
        _end_quietly()
        _limit_memory(VALIDATE_EXTRA_BYTES)
        sender.send(_guarded(self.spec, self._version))
        sender.send(time.perf_counter() - self.started)  # measured in the process, not counting the caller's wait
        sender.close()

    def result(self) -> list[Problem]:
        if self._problems is None:
            self._problems = self._collect()
        if self._problems and not self.lenient:
            raise GeneratorError(self._problems)
        _check_minimum_shape(self.spec.root, str(self.spec.entry))
        return self._problems

    def abandon(self) -> None:
        """End the validating process if it is still running (its result will not be asked for)."""
        if self._problems is None and self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()

    def _collect(self) -> list[Problem]:
        if self._process is None:
            in_line = _guarded(self.spec, self._version)
            self.seconds = time.perf_counter() - self.started
            return in_line
        process, file = self._process, str(self.spec.entry)
        try:
            if self._receiver.poll(VALIDATE_SECONDS):
                problems: list[Problem] = self._receiver.recv()
                self.seconds = self._receiver.recv()
                process.join()
                return _located(self.spec, problems) if self._lines else problems
            process.kill()
            message = f"the validator did not finish within {VALIDATE_SECONDS} s"
        except (EOFError, OSError):  # it died before answering: killed, or out of memory
            process.join()
            message = _death(process.exitcode)
        finally:
            self._receiver.close()
        process.join()
        return [Problem(f"could not validate: {message}", file)]


class Validator:
    """A validator process started before the spec is loaded: it imports openapi-spec-validator (about half a
    second, pydantic-settings and requests among it: most of a small spec's run) while the caller loads the
    spec, then validates the spec it is sent (`Validation`). `start` gives None where fork is not available."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        spec_receiver, self._spec_sender = context.Pipe(duplex=False)
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(spec_receiver, self._spec_sender, sender), daemon=True)
        _start_quietly(self.process)
        spec_receiver.close()
        sender.close()

    @classmethod
    def start(cls) -> Validator | None:
        """A new one; None where fork is not available."""
        return cls() if "fork" in multiprocessing.get_all_start_methods() else None

    @staticmethod
    def prestarted() -> Validator | None:
        """The one `prestart` started, if any (taken: the next call gives None)."""
        global _prestarted
        validator, _prestarted = _prestarted, None
        return validator

    def send(self, spec: Spec, version: str, started: float) -> bool:
        """Hand the loaded spec over; False (the process ended) if it could not take it."""
        try:
            self._spec_sender.send((spec.root, spec.entry, version, started))
        except Exception:  # noqa: BLE001 - it died, or the spec does not pickle: validate in a fork instead
            self.close()
            return False
        self._spec_sender.close()
        return True

    def close(self) -> None:
        """End the process (validation not needed, or the run failed before it)."""
        self._spec_sender.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.receiver.close()


_prestarted: Validator | None = None
_held: set[int | signal.Signals] | None = None  # the signal mask before `prestart` held Ctrl-C and SIGTERM back


def prestart() -> None:
    """Start the validator's process now, for the next `Validator.prestarted` to take: `python -m generator
    generate` and `check` call it before importing the rest of the generator (about 0.3 s), so the
    library's import overlaps that too. A process nobody takes ends with the command. Ctrl-C and SIGTERM
    are held back until the command line can report them (`let_signals_through`), as at any later time."""
    global _prestarted, _held
    if _prestarted is None and "fork" in multiprocessing.get_all_start_methods():
        _held = signal.pthread_sigmask(signal.SIG_BLOCK, _QUIET_SIGNALS)
        _prestarted = Validator()


def let_signals_through() -> None:
    """Deliver the Ctrl-C or SIGTERM `prestart` held back, if any came; the caller's handlers are in place."""
    global _held
    if _held is not None:
        held, _held = _held, None
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _serve(spec_receiver: Any, spec_sender: Any, sender: Any) -> None:
    """In the process `Validator` starts: import the library, wait for the spec, validate it."""
    spec_sender.close()  # the parent's end: with it closed here, the parent ending means an end of file
    _end_quietly()
    # Started before the command line raised the limit (cli.main): unpickling and validating a spec within
    # the nesting limit needs as many frames here as there.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    validator_speedups.without_requests()
    try:
        for version in ("3.0", "3.1"):
            _library_validator_class(version)
    except Exception:  # noqa: BLE001, S110 - a broken library is reported when validating, below
        pass
    try:
        root, entry, version, started = spec_receiver.recv()
    except (EOFError, OSError):
        return  # not needed after all
    spec = Spec(entry)
    spec.documents[entry] = Document(entry, root)  # its lines are looked up in the parent (`_located`)
    _limit_memory(VALIDATE_EXTRA_BYTES)
    sender.send(_guarded(spec, version))
    sender.send(time.perf_counter() - started)
    sender.close()


def _located(spec: Spec, problems: list[Problem]) -> list[Problem]:
    """`problems` of the validator process, each error with its line in the spec (YAML)."""
    document = spec.documents[spec.entry]
    located = []
    for problem in problems:
        if problem.pointer is not None and problem.line is None:
            problem = dataclasses.replace(problem, line=document.line_of(problem.pointer))
        located.append(problem)
    return located


def _start_quietly(process: multiprocessing.process.BaseProcess) -> None:
    """Start `process` with Ctrl-C and SIGTERM held back while forking, so none reaches the child before it
    sets them to end it quietly; the parent gets any that came meanwhile as soon as they are let through."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _QUIET_SIGNALS)
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _end_quietly() -> None:
    """In a validator process: the parent reports an interrupt; the child just ends (no second traceback)."""
    for signum in _QUIET_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _QUIET_SIGNALS)


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the validator process died ({name}: out of memory, a crash, or killed from outside)"
    return f"the validator process ended without an answer (exit code {exitcode})"


def _limit_memory(extra: int) -> None:
    """Cap this (forked) process's address space at what it maps now plus `extra` bytes."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = mapped + extra
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        if soft == resource.RLIM_INFINITY or wanted < soft:
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (OSError, ValueError):
        pass  # no /proc or no limit to set: validate unbounded, as before


def _guarded(spec: Spec, version: str) -> list[Problem]:
    """The validator's problems; anything it raises (it is third-party code) is one problem, not a crash."""
    try:
        return _problems(spec, version)
    except MemoryError:
        message = "the validator ran out of memory"
    except RecursionError:
        message = "the validator recursed too deeply (a schema that refers to itself in a way it cannot follow)"
    except Exception as error:  # noqa: BLE001 - a validator bug must not look like a generator crash
        message = f"the validator failed: {type(error).__name__}: {error}"
    return [Problem(f"could not validate: {message}", str(spec.entry))]


@lru_cache(maxsize=2)
def _validator_class(version: str) -> Any:
    """The validator `generate` uses: the library's (below), made faster (generator/validator_speedups.py) when
    the installed versions are the ones the speed-ups were verified with, else the library's as it is."""
    library = _library_validator_class(version)
    return library if _speedups_refused() else validator_speedups.faster(library)


@lru_cache(maxsize=1)
def _speedups_refused() -> str | None:
    """Why validation cannot use the speed-ups here (said once, as a warning), or None."""
    reason = validator_speedups.unverified()
    if reason is not None:
        print(f"warning: {reason}; validating with the library as it is (slower)", file=sys.stderr, flush=True)
    return reason


@lru_cache(maxsize=2)
def _library_validator_class(version: str) -> Any:
    """openapi-spec-validator's validator for `version`, with one fix: collecting the properties an `allOf` part
    reaches (for its `required` check) stops at a schema already on the way. The library's own walk follows a
    schema that includes itself (`A: {allOf: [$ref A, ...]}`) forever, growing memory. Imported here, not at
    the top: the library is heavy, and only validating needs it (in the forked process)."""
    from jsonschema_path import SchemaPath
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.validation import keywords

    class CycleSafeSchemaValidator(keywords.SchemaValidator):
        def _collect_properties(self, schema: SchemaPath) -> set[str]:
            props: set[str] = set()
            seen: set[int] = set()
            stack = [schema]
            while stack:
                current = stack.pop()
                value = current.read_value()
                if not isinstance(value, dict) or id(value) in seen:
                    continue
                seen.add(id(value))
                if "properties" in current:
                    props.update(str(name) for name in (current / "properties").keys())  # noqa: SIM118 - a path's keys
                for keyword in ("allOf", "anyOf", "oneOf"):
                    if keyword in current:
                        stack.extend(current / keyword)
                stack.extend(current / keyword for keyword in ("items", "not") if keyword in current)
            return props

    if version.startswith("3.1"):
        schema_31 = type("V31Schema", (CycleSafeSchemaValidator, keywords.OpenAPIV31SchemaValidator), {})
        return type(
            "V31Validator",
            (OpenAPIV31SpecValidator,),
            {"keyword_validators": {**OpenAPIV31SpecValidator.keyword_validators, "schema": schema_31}},
        )
    schema_30 = type("V30Schema", (CycleSafeSchemaValidator, keywords.OpenAPIV30SchemaValidator), {})
    return type(
        "V30Validator",
        (OpenAPIV30SpecValidator,),
        {"keyword_validators": {**OpenAPIV30SpecValidator.keyword_validators, "schema": schema_30}},
    )


def _iter_errors(spec: Spec, version: str) -> Iterator[Any]:
    validator_class = _validator_class("3.1" if version.startswith("3.1") else "3.0")
    return iter(validator_class(spec.root, base_uri=spec.entry.as_uri()).iter_errors())


def _problems(spec: Spec, version: str) -> list[Problem]:
    file = str(spec.entry)
    problems: list[Problem] = []
    with nullcontext() if _speedups_refused() else validator_speedups.memoized_urls():
        for error in _iter_errors(spec, version):
            if len(problems) == MAX_REPORTED:
                problems.append(Problem(f"more than {MAX_REPORTED} errors; stopped listing", file))
                break
            problems.append(_problem(spec, error))
    return problems


def _openapi_version(root: Any, file: str) -> str:
    if not isinstance(root, dict):
        raise GeneratorError(Problem("the document must be a mapping (an OpenAPI object)", file, ""))
    if "swagger" in root:
        raise GeneratorError(
            Problem(
                f"this is a Swagger {root.get('swagger')} document; this generator reads OpenAPI 3.0 "
                "and 3.1. Convert it to OpenAPI 3 first (for example with the swagger2openapi tool) "
                "and generate from the result.",
                file,
                "/swagger",
            )
        )
    version = root.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0", "3.1")):
        raise GeneratorError(
            Problem(f"unsupported or missing 'openapi' version {version!r}; expected 3.0.x or 3.1.x", file, "/openapi")
        )
    return version


def _problem(spec: Spec, error: Any) -> Problem:
    parts = list(getattr(error, "absolute_path", []) or [])
    pointer = pointer_from_parts(parts)
    message = getattr(error, "message", None) or str(error).splitlines()[0]
    line = spec.documents[spec.entry].line_of(pointer)
    return Problem(message, str(spec.entry), pointer, line)


def _check_minimum_shape(root: dict[str, Any], file: str) -> None:
    """Even in lenient mode the model needs these to be of the right type."""
    problems: list[Problem] = []
    for key, kind in (("info", dict), ("paths", dict), ("components", dict), ("servers", list), ("security", list)):
        if key in root and not isinstance(root[key], kind):
            problems.append(Problem(f"'{key}' must be a {'mapping' if kind is dict else 'list'}", file, "/" + key))
    if problems:
        raise GeneratorError(problems)
