"""The org chart widget on its own: arrow keys, Enter, scrolling to the focus, NO_COLOR."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.message import Message

from acctmap_tui.orgchart import OrgPerson
from acctmap_tui.orgchart.sample import sample_org
from acctmap_tui.widgets.org_chart import OrgChart
from tests.ui.helpers import SIZE, screen_text
from tests.unit.test_orgchart_layout import acme


class ChartApp(App[None]):
    """Just the chart, and a record of the edit requests the app would act on."""

    def __init__(self, people: list[OrgPerson], highlight: set[str] | None = None) -> None:
        super().__init__()
        self.people = people
        self.highlight = highlight or set()
        self.edits: list[str] = []

    def compose(self) -> ComposeResult:
        yield OrgChart(self.people, highlight=self.highlight, id="org-chart")

    @on(OrgChart.EditRequested, "#org-chart")
    def record_edit(self, event: OrgChart.EditRequested) -> None:
        self.edits.append(event.key)


def _focus_in_view(chart: OrgChart) -> bool:
    box = chart.chart_layout.boxes[chart.focused_key or ""]
    window = chart.scrollable_content_region.at_offset(chart.scroll_offset)
    return window.contains_region(Region(box.x, box.y, box.width, box.height))


async def test_arrow_keys_walk_the_tree_and_enter_asks_for_the_form() -> None:
    messages: list[Message] = []
    app = ChartApp(acme())
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        chart = app.query_one(OrgChart)
        assert app.focused is chart
        assert chart.focused_key == "c1"  # the first root
        visited = []
        for key in ("down", "down", "right", "up", "right", "down", "up", "right", "down"):
            await pilot.press(key)
            visited.append(chart.focused_key)
        assert visited == ["c2", "c4", "c5", "c2", "c3", "c6", "c3", "s1", "c8"]
        await pilot.press("enter")
        await pilot.pause()
    assert app.edits == ["c8"]
    focused = [m.key for m in messages if isinstance(m, OrgChart.Focused) and m.chart is chart]
    assert [key for i, key in enumerate(focused) if i == 0 or focused[i - 1] != key] == [
        "c1",
        *visited,
    ]


async def test_the_focused_box_is_scrolled_into_view_in_a_large_org() -> None:
    app = ChartApp(sample_org(1000))
    async with app.run_test(size=SIZE) as pilot:
        chart = app.query_one(OrgChart)
        await pilot.pause()
        assert chart.virtual_size.width > 1000 and chart.virtual_size.height > 60
        start = chart.scroll_offset
        assert _focus_in_view(chart)
        for key in ["right"] * 2 + ["down"] * 4 + ["right"] * 12 + ["down"] * 8 + ["left"] * 3:
            await pilot.press(key)
            assert _focus_in_view(chart), (key, chart.focused_key, chart.scroll_offset)
        assert chart.scroll_offset.x != start.x and chart.scroll_offset.y != start.y


async def test_marks_read_the_same_without_colour(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = ChartApp(acme(), highlight={"c1", "c3"})
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.no_color
        text = screen_text(app)
    for mark in ("[EB]", "[TB]", "[CH]", "[GK]", "++", "--", "not met", "vacant"):
        assert mark in text, mark
    assert "╔" in text and "║ Cara Diaz" in text  # the path is in the border, not a colour
    assert "╌" in text  # the vacant seat's dashed border


async def test_colour_marks_the_focus_the_path_and_the_roles() -> None:
    app = ChartApp(acme(), highlight={"c3"})
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        chart = app.query_one(OrgChart)
        focused = chart.chart_layout.boxes["c1"]
        on_path = chart.chart_layout.boxes["c3"]
        strip = chart.render_line(focused.y + 1)
        reversed_text = "".join(s.text for s in strip if s.style and s.style.reverse)
        assert "Ada Lovelace" in reversed_text
        path_row = chart.render_line(on_path.y + 1)
        path_style = chart.get_component_rich_style("org-chart--path", partial=True)
        path_text = "".join(s.text for s in path_row if s.style and s.style.bold)
        assert path_style.bold and "Cara Diaz" in path_text
        seat = chart.chart_layout.boxes["s1"]
        badge_style = chart.get_component_rich_style("org-chart--role-economic-buyer", partial=True)
        badges = [s for s in chart.render_line(seat.y + 3) if s.text == "[EB]"]
        assert badges and badges[0].style and badges[0].style.color == badge_style.color


async def test_reloading_keeps_the_focus_or_falls_back_to_the_manager() -> None:
    app = ChartApp(acme())
    async with app.run_test(size=SIZE) as pilot:
        chart = app.query_one(OrgChart)
        for key in ("down", "right", "down"):
            await pilot.press(key)
        assert chart.focused_key == "c6"
        people = acme()
        chart.set_people(people, highlight={"c6"})
        assert chart.focused_key == "c6"
        chart.set_people([p for p in people if p.key not in ("c6", "c7")])
        assert chart.focused_key == "c3"
        chart.set_people([])
        assert chart.focused_key is None
        await pilot.press("down", "enter")  # nothing to move to or edit: no error
        chart.set_people(people)
        assert chart.focused_key == "c1"
    assert app.edits == []


def test_bindings_explain_themselves() -> None:
    bindings = {binding.id: binding for binding in OrgChart.BINDINGS}  # type: ignore[union-attr]
    assert set(bindings) == {
        "org-chart.up",
        "org-chart.down",
        "org-chart.left",
        "org-chart.right",
        "org-chart.edit",
    }
    assert all(binding.description for binding in bindings.values())  # type: ignore[union-attr]
