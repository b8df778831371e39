"""Edit ``govwatch.yaml`` in place: add a site, pause or resume one, keeping comments and layout.

The file is read in ruamel.yaml's round-trip mode, so comments, key order, quoting and flow lists
survive; only the lines of the change differ. Every edit is checked by
:func:`govwatch.settings.load_settings` on a temporary file beside the original, which then
replaces it atomically (``os.replace``): a change that does not load raises :class:`ConfigError`
and leaves the old file untouched. A running monitor sees the new modification time and re-reads it.

Example::

    add_site(Path("govwatch.yaml"), NewSite(id="jinan-sfj", region="济南市",
             list_urls=("http://jnsfj.jinan.gov.cn/col/col3445/index.html",)))
    set_paused(Path("govwatch.yaml"), "jinan-sfj", True)     # True: the file changed
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from govwatch.errors import ConfigError, UnknownSite
from govwatch.settings import load_settings

_KEY_LINE = re.compile(r"^(\s*)[^\s#-][^:#]*:\s*(#.*)?$")


@dataclass(frozen=True)
class NewSite:
    """What ``govwatch sites add`` writes; the other site keys keep their defaults."""

    id: str
    region: str
    list_urls: tuple[str, ...]
    interval: str | None = None
    name: str | None = None


def add_site(path: Path, site: NewSite) -> None:
    """Append ``site`` to the ``sites:`` list (created if missing)."""

    def change(doc: CommentedMap) -> bool:
        if doc.get("sites") is None:
            doc["sites"] = CommentedSeq()
        sites = doc["sites"]
        if not isinstance(sites, list):
            raise ConfigError(f"{path}: 'sites' is not a list")
        if any(isinstance(s, dict) and str(s.get("id")) == site.id for s in sites):
            raise ConfigError(f"a site with id {site.id!r} exists already in {path}")
        if not sites:
            sites.fa.set_block_style()  # `sites: []` would otherwise grow into one long flow line
        sites.append(_site_map(site))
        return True

    edit(path, change)


def set_paused(path: Path, site_id: str, paused: bool) -> bool:
    """Set ``paused`` on one site; False when it already had that value (the file is left alone)."""

    def change(doc: CommentedMap) -> bool:
        item = _find_site(doc, site_id)
        if bool(item.get("paused", False)) == paused:
            return False
        if "paused" in item or len(item) < 2:
            item["paused"] = paused
        else:
            # before the last key: that key carries the comments and blank lines that follow the site
            item.insert(len(item) - 1, "paused", paused)
        return True

    return edit(path, change)


def edit(path: Path, change: Callable[[CommentedMap], bool]) -> bool:
    """Load ``path`` round-trip, let ``change`` edit it, check the result loads, then replace the file.

    ``change`` returns False when it had nothing to do: the file is then not rewritten.
    """
    original = path.read_text(encoding="utf-8")
    rt = _round_tripper(original)
    try:
        doc = rt.load(original)
    except YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from None
    if doc is None:
        doc = CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise ConfigError(f"{path}: expected a mapping with 'sites' and 'subscribers'")
    if not change(doc):
        return False
    out = io.StringIO()
    rt.dump(doc, out)
    _replace_checked(path, out.getvalue())
    return True


def _round_tripper(text: str) -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap long lines (URLs, comments)
    _, seq_indent, dash_offset = load_yaml_guess_indent(text) if text.strip() else (None, None, None)
    rt.indent(mapping=_mapping_indent(text), sequence=seq_indent or 4, offset=dash_offset or 2)
    return rt


def _mapping_indent(text: str) -> int:
    """The indent of a nested mapping (``smtp:`` → ``  host:``); ruamel guesses only sequences'."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for line, nxt in zip(lines, lines[1:], strict=False):
        m = _KEY_LINE.match(line)
        if m and not nxt.lstrip().startswith("-"):
            step = len(nxt) - len(nxt.lstrip()) - len(m.group(1))
            if step > 0:
                return step
    return 2


def _replace_checked(path: Path, text: str) -> None:
    """Write ``text`` beside ``path``, load it with the real settings reader, then rename it over."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:
            load_settings(tmp, env={})
        except ConfigError as e:
            raise ConfigError(str(e).replace(str(tmp), str(path))) from None
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _find_site(doc: CommentedMap, site_id: str) -> CommentedMap:
    for item in doc.get("sites") or []:
        if isinstance(item, dict) and str(item.get("id")) == site_id:
            return item
    raise UnknownSite(site_id)


def _site_map(site: NewSite) -> CommentedMap:
    item = CommentedMap()
    item["id"] = _scalar(site.id)
    if site.name:
        item["name"] = _scalar(site.name)
    item["region"] = _scalar(site.region)
    urls = CommentedSeq(DoubleQuotedScalarString(u) for u in site.list_urls)
    urls.fa.set_flow_style()
    item["list_urls"] = urls
    if site.interval:
        item["interval"] = _scalar(site.interval)
    return item


def _scalar(value: str) -> Any:
    """A plain scalar when PyYAML reads it back as the same string, else a quoted one (``on``, ``1e3``)."""
    try:
        same = yaml.safe_load(value) == value
    except yaml.YAMLError:
        same = False
    return value if same else DoubleQuotedScalarString(value)
