"""The import preview names the columns it did not read, and the officer corrects the map with
the keyboard before importing."""

from __future__ import annotations

from projtrack.store.repo import Store
from projtrack.tui.widgets.column_map import ColumnMapScreen
from projtrack.tui.widgets.import_preview import ImportScreen
from tests.importer.builders import Grid, save_grids
from tests.tui.helpers import press, screen_text, settle

ROWS = [["项目名称", "总投资", "联系单位"], ["甲小学新建工程", 9000, "县教育局"],
        ["乙中学迁建工程", 15000, "县住建局"], ["丙幼儿园新建工程", 3000, "县教育局"]]


async def test_correct_a_column_in_the_preview_then_import(make_app, imports_dir, tmp_path):
    save_grids(imports_dir / "annex.xlsx", Grid("附件", ROWS))
    empty = Store.open(str(tmp_path / "empty.db"))
    empty.set_setting("county", "甲县")  # the annex names no county: the database's setting
    app = make_app(store=empty, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "i", "enter")
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        text = screen_text(app)
        assert "附件!C '联系单位' → neither its header nor" in text  # the line wraps here
        assert "Press m to see and change the column" in text
        await press(pilot, "m")
        mapper = app.screen
        assert isinstance(mapper, ColumnMapScreen)
        columns = mapper.query_one("#map-columns")
        columns.highlighted = 2  # column C
        await press(pilot, "enter")  # to the fields
        fields = mapper.query_one("#map-fields")
        fields.highlighted = [o.id for o in fields._options].index("responsible_unit")
        await press(pilot, "enter")
        assert "附件!C 联系单位 → responsible unit (changed)" in screen_text(app)
        await press(pilot, "ctrl+s")
        assert app.screen is screen and screen.column_map == "附件!C=responsible_unit"
        assert screen.preview is not None
        assert {f.responsible_unit for f in screen.preview.added} == {"县教育局", "县住建局"}
        assert "'联系单位' → neither" not in screen_text(app)
        await press(pilot, "ctrl+s")
        assert {p.responsible_unit for p in empty.projects()} == {"县教育局", "县住建局"}
    empty.close()


async def test_leaving_the_map_changes_nothing(make_app, imports_dir, tmp_path):
    save_grids(imports_dir / "annex.xlsx", Grid("附件", ROWS))
    empty = Store.open(str(tmp_path / "empty.db"))
    app = make_app(store=empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "i", "enter", "m")
        assert isinstance(app.screen, ColumnMapScreen)
        assert "列对应:每一列读作哪个字段" in screen_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, ImportScreen) and app.screen.column_map is None
    empty.close()
