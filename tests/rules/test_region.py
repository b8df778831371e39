"""The gazetteer API other packages use for subscriber region filters: parent_of, covers, places."""

from __future__ import annotations

import pytest

from rules.region import covers, gazetteer, known, parent_of, places, resolve_region
from rules.tables import load


@pytest.mark.parametrize(("name", "parent"), [
    ("峄城区", "枣庄市"), ("台儿庄区", "枣庄市"), ("滕州市", "枣庄市"), ("沾化区", "滨州市"), ("邹平市", "滨州市"),
    ("大冶市", "黄石市"), ("阳新县", "黄石市"), ("历下区", "济南市"), ("莱芜区", "济南市"),
    ("枣庄市", "山东省"), ("东城区", "北京市"), ("仙桃市", "湖北省"),
])
def test_parent_of(name: str, parent: str) -> None:
    assert parent_of(name) == parent


@pytest.mark.parametrize("name", ["市中区", "鼓楼区", "朝阳区", "山东省", "不存在区", ""])
def test_parent_of_shared_top_level_or_unknown_names_is_none(name: str) -> None:
    assert parent_of(name) is None


@pytest.mark.parametrize(("area", "name", "inside"), [
    ("枣庄市", "峄城区", True), ("枣庄市", "枣庄市", True), ("山东省", "峄城区", True), ("山东省", "枣庄市", True),
    ("枣庄市", "市中区", True), ("济南市", "市中区", True), ("滨州市", "市中区", False),
    ("滨州市", "峄城区", False), ("峄城区", "枣庄市", False), ("黄石市", "大冶市", True), ("湖北省", "峄城区", False),
])
def test_covers(area: str, name: str, inside: bool) -> None:
    assert covers(area, name) is inside


def test_gazetteer_is_small_and_complete() -> None:
    g = gazetteer()
    zones = tuple(load("places")["zones"])
    divisions = [n for n in g.parents if not n.endswith(zones) or n in ("滨海新区", "浦东新区")]
    assert 3000 < len(divisions) < 4000  # provinces, cities and counties only, besides the cities' zones
    assert known("峄城区") and not known("峄城街道")


def test_zones_lie_under_their_city_and_only_there() -> None:
    assert parent_of("长春新区") == "长春市" and parent_of("青岛高新区") == "青岛市"
    assert covers("吉林省", "长春新区") and not covers("青岛市", "长春新区")
    assert parent_of("滨海新区") == "天津市"  # a real division keeps its own parent
    assert not known("北京新区")  # a municipality is no prefecture-level city with zones


@pytest.mark.parametrize(("text", "found"), [
    ("中共峄城区委 峄城区人民政府", ["峄城区", "峄城区"]),
    ("山东省滨州市沾化区", ["山东省", "滨州市", "沾化区"]),
    ("全省优化营商环境示范县", []),
    ("在冠县调研", ["冠县"]),
    ("全市各城区", []),
])
def test_places(text: str, found: list[str]) -> None:
    assert places(text) == found


def test_with_nothing_to_go_by_the_place_the_body_names_most_wins() -> None:
    # no title, no source, a lead that says only 我区, no configured region
    text = ("2022年,我区坚持依法行政。\n" + "各项工作有序推进。" * 40
            + "\n和平区法治政府建设取得新成效,和平区获评示范区。")
    assert resolve_region(text, "", None) == "和平区"
    assert resolve_region(text, "", "沈阳市") == "沈阳市"  # a configured region beats a guess
    assert resolve_region("我区持续推进法治建设。", "", None) is None
