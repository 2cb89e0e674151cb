"""The plugin tutorial, followed step by step as a reader would, must end in a passing plugin.

``docs/tutorials/province-plugin.md`` is executed in order: every ``$ `` line of a
``console`` block is run in one shell, and every code block with a ``:caption:`` path is
written to that path when the reader reaches it. A ``console`` block preceded by
``% tutorial: skip`` (installing drugfree-core itself) is not run: the shell starts in a
fresh virtual environment that already sees this drugfree-core, so the plugin the tutorial
installs goes into that environment and nowhere else.
"""

from __future__ import annotations

import os
import re
import site
import subprocess
import sys
import textwrap
from pathlib import Path

import attrs
import pytest

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorials" / "province-plugin.md"

_FENCE = re.compile(r"^(`{3,})(.*)$")


@attrs.frozen
class Command:
    """A shell command of the tutorial."""

    line: str


@attrs.frozen
class FileWrite:
    """A file the tutorial has the reader write."""

    path: str
    content: str


def tutorial_steps(markdown: str) -> list[Command | FileWrite]:
    """The commands and file writes of a tutorial page, in reading order."""
    steps: list[Command | FileWrite] = []
    lines = markdown.splitlines()
    i, skip_next = 0, False
    while i < len(lines):
        line = lines[i]
        if line.strip() == "% tutorial: skip":
            skip_next = True
        fence = _FENCE.match(line)
        if not fence:
            i += 1
            continue
        ticks, info = fence.group(1), fence.group(2).strip()
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith(ticks))
        body = lines[i + 1 : end]
        if info == "console" and not skip_next:
            steps += [Command(b[2:]) for b in body if b.startswith("$ ")]
        elif info.startswith("{code-block}"):
            options = [b for b in body if b.startswith(":")]
            caption = next(
                (o.split(":", 2)[2].strip() for o in options if o.startswith(":caption:")), None
            )
            if caption:
                content = body[len(options) :]
                if content and not content[0].strip():
                    content = content[1:]
                steps.append(FileWrite(caption, "\n".join(content) + "\n"))
        if info:
            skip_next = False
        i = end + 1
    return steps


def test_steps_are_read_in_order() -> None:
    page = textwrap.dedent(
        """\
        % tutorial: skip

        ```console
        $ pip install -e .
        ```

        ```console
        $ drugfree new-plugin vi-du
        created
        ```

        ```{code-block} python
        :caption: drugfree-vi-du/x.py

        X = 1
        ```

        ```python
        print("not a step")
        ```
        """
    )
    assert tutorial_steps(page) == [
        Command("drugfree new-plugin vi-du"),
        FileWrite("drugfree-vi-du/x.py", "X = 1\n"),
    ]


def _fresh_environment(venv: Path) -> dict[str, str]:
    """A virtual environment that sees this drugfree-core (and its tools) but writes its own."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    outer = [p for p in site.getsitepackages() if Path(p).is_dir()]
    # A .pth line starting with "import" runs: it adds our site-packages *with* their own
    # .pth files (the editable install of drugfree-core), after the new environment's own.
    lines = [f"import site; site.addsitedir({p!r})" for p in outer]
    (Path(purelib) / "outer-environment.pth").write_text("\n".join(lines) + "\n")
    for name, module in (("drugfree", "drugfree_core.cli"), ("pytest", "pytest")):
        script = venv / "bin" / name
        script.write_text(f'#!/bin/sh\nexec "{python}" -m {module} "$@"\n')
        script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRUGFREE_", "PYTEST_"))}
    env.update(
        DRUGFREE_CACHE_DIR=os.environ["DRUGFREE_CACHE_DIR"],  # the tests' own (conftest)
        VIRTUAL_ENV=str(venv),
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@pytest.mark.slow
def test_the_plugin_tutorial_ends_in_a_passing_plugin(tmp_path: Path) -> None:
    steps = tutorial_steps(TUTORIAL.read_text(encoding="utf-8"))
    commands = [s.line for s in steps if isinstance(s, Command)]
    assert any(c.startswith("drugfree new-plugin") for c in commands)
    assert any(c.startswith("drugfree plugins check") for c in commands)
    assert any(s for s in steps if isinstance(s, FileWrite)), "the tutorial never edits a file"
    env = _fresh_environment(tmp_path / "venv")
    work = tmp_path / "work"
    staged = tmp_path / "staged"
    work.mkdir()
    staged.mkdir()
    script = ["set -euo pipefail", f"cd {work}"]
    for n, step in enumerate(steps):
        if isinstance(step, Command):
            script += [f"echo {('$ ' + step.line)!r}", step.line]
        else:
            (staged / str(n)).write_text(step.content, encoding="utf-8")
            target = work / step.path
            script += [
                f"echo {('# writes ' + step.path)!r}",
                f"mkdir -p {str(target.parent)!r}",
                f"cp {str(staged / str(n))!r} {str(target)!r}",
            ]
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"the tutorial broke:\n{output[-6000:]}"
    assert "passed" in output
