"""The docs site and the README point at pages that exist."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).parent.parent


def test_every_page_in_the_nav_exists():
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"]
    pages = [page for entry in nav for page in entry.values()]

    assert pages
    for page in pages:
        assert (ROOT / "docs" / page).is_file(), page


def test_readme_links_resolve_and_it_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), target

    block = readme.split("```bash", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    assert "pip install -e '.[test]'" in block[1] and "pytest" in block[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert block[1] in ci


def python_blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text(), re.S)


def test_the_readme_example_compiles():
    (example, *_) = python_blocks(ROOT / "README.md")
    compile(example, "README.md", "exec")


def test_the_virtual_time_example_of_the_library_page_runs():
    example = python_blocks(ROOT / "docs" / "library.md")[-1]
    exec(compile(example, "library.md", "exec"), {"__name__": "docs"})
