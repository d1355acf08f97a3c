"""Between render and write: the user's own code and edits, kept across regeneration (docs/custom-code.md).

Two places in the output folder belong to the user, and the generator never writes or deletes anything in them:

- `src/<package>/lib/`: hand-written modules, wired into the generated classes by the config's `mixins`;
- `patches/`: the user's edits of generated files, one unified diff per file (`patches/<path>.patch`), each
  against what the generator writes for that file. They are applied to the formatted text, in memory, before
  anything is written or compared, so `generate` reproduces the edits and `check` counts them as wanted.

A hunk is applied where its removed lines and context stand, searching from where its header says
(shifted by what earlier hunks added or removed) outwards, nearest first, earlier on a tie; so an edit survives
spec changes elsewhere in the file. A hunk whose lines are nowhere to be found is an error naming the patch,
the hunk and the file, and nothing is written. `python -m generator keep FILE...` writes the patches.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.config import Config
from generator.errors import EXIT_INTERNAL, GeneratorError, Problem
from generator.model.ir import Api, Mixin

PATCHES = "patches"
PATCH_SUFFIX = ".patch"
LIB = "lib"  # below src/<package>/
CONTEXT = 3  # lines of context around each change, as `diff -u`
_NO_NEWLINE = "\\ No newline at end of file\n"
_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def lib_folder(package: str) -> str:
    return f"src/{package}/{LIB}"


def patch_path(target: str) -> str:
    """Where the patch of generated file `target` lives, relative to the output folder."""
    return f"{PATCHES}/{target}{PATCH_SUFFIX}"


def is_user_path(path: str) -> bool:
    """Whether `path` (relative to an output folder) is in `patches/` or a package's `lib/`: the user's files."""
    parts = PurePosixPath(path).parts
    return parts[:1] == (PATCHES,) or (len(parts) > 3 and parts[0] == "src" and parts[2] == LIB)


def check_reserved(files: dict[str, str], package: str) -> None:
    """The generator itself must never produce a file where the user's code and patches live."""
    for path in files:
        parts = PurePosixPath(path).parts
        if parts[:1] == (PATCHES,) or parts[:3] == ("src", package, LIB):
            raise GeneratorError(
                Problem(f"internal error: the generator rendered {path}, a folder kept for " "the user's own code"),
                EXIT_INTERNAL,
            )


def copy_user_files(source: Path, target: Path) -> None:
    """Carry the user's patches and lib/ modules into another output folder (`release` stages one)."""
    folders = [source / PATCHES, *sorted(source.glob(f"src/*/{LIB}"))]
    for folder in folders:
        if folder.is_dir() and not folder.is_symlink():
            shutil.copytree(folder, target / folder.relative_to(source), symlinks=True, dirs_exist_ok=True)


# --- mixins: generated classes that inherit from the user's ---------------------------------------


def with_mixins(api: Api, config: Config, out: Path) -> Api:
    """`api` with the config's mixins, each checked: a class the generator writes, a module of lib/ that exists."""
    if not config.mixins:
        return api
    classes = [api.client_name, api.async_client_name]
    classes += [name for r in api.all_resources() for name in (r.class_name, r.async_class_name)]
    problems: list[Problem] = []
    mixins: list[Mixin] = []
    for target, value in sorted(config.mixins.items()):
        where = f"/mixins/{target}"
        module, _, name = value.partition(":")
        module_file = out / lib_folder(api.package) / (module.replace(".", "/") + ".py")
        package_file = module_file.with_suffix("") / "__init__.py"
        if target not in classes:
            problems.append(
                Problem(
                    f"{target!r} is not a class the generator writes; a mixin can be given to " f"{', '.join(classes)}",
                    config.file,
                    where,
                )
            )
        elif not (module_file.is_file() or package_file.is_file()):
            problems.append(
                Problem(
                    f"{module_file} does not exist: write the module with class {name} there first "
                    "(docs/custom-code.md)",
                    config.file,
                    where,
                )
            )
        else:
            mixins.append(Mixin(target, module, name))
    if problems:
        raise GeneratorError(problems)
    return dataclasses.replace(api, mixins=tuple(mixins))


def check_mixins(files: dict[str, str], api: Api, config_file: str | None) -> None:
    """A mixin's name must not also be a name the module that imports it defines or imports."""
    problems = []
    for mixin in api.mixins:
        for path, text in files.items():
            if not path.endswith(".py") or f"lib.{mixin.module} import " not in text:
                continue
            body = ast.parse(text).body
            imported = any(
                isinstance(node, ast.ImportFrom)
                and (node.module or "").endswith(f"lib.{mixin.module}")
                and any(alias.name == mixin.name for alias in node.names)
                for node in body
            )
            bound = [name for node in body for name in _bound_names(node)]
            if imported and bound.count(mixin.name) > 1:
                problems.append(
                    Problem(
                        f"mixin {mixin.name} has the name of something else {path} uses; give the "
                        "class another name",
                        config_file,
                        f"/mixins/{mixin.target}",
                    )
                )
    if problems:
        raise GeneratorError(problems)


def _bound_names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [alias.asname or alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if isinstance(node, ast.If):  # `if TYPE_CHECKING:` imports
        return [name for child in node.body for name in _bound_names(child)]
    return []


# --- unified diffs --------------------------------------------------------------------------------


def split_lines(text: str) -> list[str]:
    """Lines with their `\\n` (the last may have none). Only `\\n` ends a line, unlike str.splitlines."""
    return _LINE.findall(text)


@dataclass
class Hunk:
    number: int  # 1-based, in the patch
    header: str  # `@@ -12,7 +12,9 @@`
    old_start: int  # 1-based line of the old text where it starts (0 for an empty old side)
    lines: list[tuple[str, str]] = field(default_factory=list)  # (" ", "-" or "+", line with its ending)
    line: int = 0  # line of the header in the patch file

    @property
    def old(self) -> list[str]:
        return [text for tag, text in self.lines if tag != "+"]

    @property
    def new(self) -> list[str]:
        return [text for tag, text in self.lines if tag != "-"]


def make_patch(target: str, old: str, new: str) -> str:
    """A unified diff turning `old` into `new` ("" when equal), with `a/` and `b/` headers naming `target`."""
    import difflib

    a, b = split_lines(old), split_lines(new)
    out: list[str] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(CONTEXT):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"@@ -{_range(i1, i2 - i1)} +{_range(j1, j2 - j1)} @@\n")
        for tag, k1, k2, l1, l2 in group:
            if tag == "equal":
                out.extend(_patch_line(" ", line) for line in a[k1:k2])
                continue
            out.extend(_patch_line("-", line) for line in a[k1:k2])
            out.extend(_patch_line("+", line) for line in b[l1:l2])
    return f"--- a/{target}\n+++ b/{target}\n" + "".join(out) if out else ""


def _range(start: int, length: int) -> str:
    first = start + 1 if length else start
    return f"{first}" if length == 1 else f"{first},{length}"


def _patch_line(tag: str, line: str) -> str:
    return tag + line if line.endswith("\n") else f"{tag}{line}\n{_NO_NEWLINE}"


def parse_patch(text: str, file: str, target: str) -> list[Hunk]:
    """The hunks of one patch file; a malformed one is an error naming the file and line."""
    lines = split_lines(text)
    if len(lines) < 2 or lines[0].rstrip("\r\n") != f"--- a/{target}" or lines[1].rstrip("\r\n") != f"+++ b/{target}":
        raise GeneratorError(
            Problem(
                f"a patch must start with '--- a/{target}' and '+++ b/{target}' (the file it "
                "changes, named by where the patch lives)",
                file,
                line=1,
            )
        )
    hunks: list[Hunk] = []
    index = 2
    while index < len(lines):
        match = _HUNK_HEADER.match(lines[index])
        if match is None:
            raise GeneratorError(Problem("expected a hunk header '@@ -N,N +N,N @@'", file, line=index + 1))
        old_len = int(match[2]) if match[2] is not None else 1
        new_len = int(match[4]) if match[4] is not None else 1
        hunk = Hunk(len(hunks) + 1, match[0], int(match[1]), line=index + 1)
        index += 1
        old_seen = new_seen = 0
        while old_seen < old_len or new_seen < new_len:
            if index >= len(lines):
                raise GeneratorError(Problem(f"hunk {hunk.number} ({hunk.header}) ends early", file, line=hunk.line))
            raw = lines[index]
            tag, body = (" ", raw) if raw in ("\n", "\r\n") else (raw[0], raw[1:])  # an editor may strip " " off
            if tag not in " -+":
                raise GeneratorError(
                    Problem(f"hunk {hunk.number}: a line must start with ' ', '-' or '+'", file, line=index + 1)
                )
            hunk.lines.append((tag, body))
            old_seen += tag != "+"
            new_seen += tag != "-"
            index += 1
            if index < len(lines) and lines[index] == _NO_NEWLINE:
                hunk.lines[-1] = (tag, body.removesuffix("\n"))
                index += 1
        if old_seen != old_len or new_seen != new_len:
            raise GeneratorError(
                Problem(
                    f"hunk {hunk.number} ({hunk.header}) does not have the lines its header " "counts",
                    file,
                    line=hunk.line,
                )
            )
        hunks.append(hunk)
    return hunks


def apply_hunks(text: str, hunks: list[Hunk], file: str, target: str) -> str:
    """`text` with every hunk applied; a hunk whose lines are not there is an error naming it."""
    lines = split_lines(text)
    result: list[str] = []
    position = 0  # lines[:position] are done
    shift = 0  # how far from its header's line the last hunk was found (the text moved by that much)
    for hunk in hunks:
        old, new = hunk.old, hunk.new
        base = max(hunk.old_start - 1, 0) if old else hunk.old_start
        expected = base + shift
        found = _find(lines, old, max(expected, position), position)
        if found is None:
            raise GeneratorError(
                Problem(
                    f"hunk {hunk.number} of {len(hunks)} ({hunk.header.removesuffix(' @@')} @@) no longer applies to "
                    f"{target}: {_missing_line(hunk, lines)}; edit the file again and run `python -m generator keep` "
                    "on it, or fix the patch",
                    file,
                    line=hunk.line,
                )
            )
        result.extend(lines[position:found])
        result.extend(new)
        position = found + len(old)
        shift = found - base
    result.extend(lines[position:])
    return "".join(result)


def _find(lines: list[str], old: list[str], expected: int, earliest: int) -> int | None:
    """The start nearest `expected` (not before `earliest`) where `old` stands in `lines`."""
    if not old:
        return min(expected, len(lines))
    last = len(lines) - len(old)
    # A header may claim any line (`@@ -999999999 ...`): searching from past the end would step through the
    # whole distance. Every candidate is at most `last`, and they stand in the same order from there.
    expected = min(expected, max(last, earliest))
    for distance in range(max(last - earliest, expected - earliest, 0) + 1):
        for candidate in (expected - distance, expected + distance) if distance else (expected,):
            if earliest <= candidate <= last and lines[candidate : candidate + len(old)] == old:
                return candidate
    return None


def _missing_line(hunk: Hunk, lines: list[str]) -> str:
    """What to show of a hunk that does not apply: a line of it the text no longer has, else its first."""
    present = set(lines)
    wanted = [text for text in hunk.old if text.strip()]
    missing = [text for text in wanted if text not in present]
    line = (missing or wanted or [""])[0].rstrip("\r\n").strip()
    return f"the line {line!r} is no longer there" if missing else f"its lines {line!r}... are no longer together"


# --- the output folder's patches ------------------------------------------------------------------


@dataclass
class Patched:
    files: dict[str, str]
    paths: set[str]  # files a patch changed


def read_patches(out: Path) -> dict[str, Path]:
    """Generated file -> its patch file, for every patch under `out/patches/`."""
    folder = out / PATCHES
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    for patch in sorted(folder.rglob(f"*{PATCH_SUFFIX}")):
        if patch.is_file():
            found[patch.relative_to(folder).as_posix().removesuffix(PATCH_SUFFIX)] = patch
    return found


def apply_patches(out: Path, files: dict[str, str]) -> Patched:
    """The rendered files with the user's kept edits applied; every problem is reported at once."""
    problems: list[Problem] = []
    result = dict(files)
    paths: set[str] = set()
    for target, patch in read_patches(out).items():
        name = str(patch)
        if target not in files:
            problems.append(
                Problem(
                    f"the generator no longer writes {target}, so this patch of it cannot be applied; "
                    "delete the patch (or move the edit into the file that now holds that code)",
                    name,
                )
            )
            continue
        try:
            with open(patch, encoding="utf-8", newline="") as handle:
                text = handle.read()
            result[target] = apply_hunks(files[target], parse_patch(text, name, target), name, target)
        except GeneratorError as error:
            problems.extend(error.problems)
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(f"cannot read patch: {exc}", name))
            continue
        paths.add(target)
    if problems:
        raise GeneratorError(problems)
    return Patched(result, paths)


@dataclass(frozen=True)
class Kept:
    target: str
    patch: str  # relative to the output folder
    hunks: int  # 0: the file has no edits (any patch of it was removed)
    removed: bool = False  # an earlier patch was deleted


def keep(out: Path, generated: dict[str, str], targets: list[str]) -> list[Kept]:
    """Record the edits of `targets` (paths relative to `out`) against what the generator writes for them."""
    plans: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for target in targets:
        if target not in generated or PurePosixPath(target).name.startswith(".generator-"):
            problems.append(
                Problem(
                    "not a file the generator writes, so there is nothing to keep (files it does "
                    f"not write, such as {LIB}/ modules, are never touched)",
                    str(out / target),
                )
            )
            continue
        try:
            with open(out / target, encoding="utf-8", newline="") as handle:
                current = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(f"cannot read: {exc}", str(out / target)))
            continue
        patch = make_patch(target, generated[target], current)
        if patch and apply_hunks(generated[target], parse_patch(patch, "(new patch)", target), "", target) != current:
            raise GeneratorError(Problem(f"internal error: the patch of {target} does not reproduce it"), EXIT_INTERNAL)
        plans.append((target, patch))
    if problems:
        raise GeneratorError(problems)
    links = [link for target, _ in plans if (link := _link_on_the_way(out, patch_path(target))) is not None]
    if links:
        raise GeneratorError(
            [
                Problem(
                    "is a symbolic link; patches are never written through one: make it a "
                    "folder (or file) of its own and run again",
                    str(link),
                )
                for link in links
            ]
        )
    kept: list[Kept] = []
    for target, patch in plans:
        file = out / patch_path(target)
        if patch:
            file.parent.mkdir(parents=True, exist_ok=True)
            with open(file, "w", encoding="utf-8", newline="") as handle:
                handle.write(patch)
            kept.append(Kept(target, patch_path(target), patch.count("\n@@ ")))
        else:
            existed = file.is_file()
            file.unlink(missing_ok=True)
            kept.append(Kept(target, patch_path(target), 0, removed=existed))
    return kept


def _link_on_the_way(out: Path, path: str) -> Path | None:
    """The first symbolic link among `out/path` and the folders between it and `out`, if any."""
    current = out
    for part in PurePosixPath(path).parts:
        current = current / part
        if current.is_symlink():
            return current
    return None
