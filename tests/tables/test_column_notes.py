"""`xiaodi tables` lists each column with its 说明. A tester saw every 多项 column's 说明 start with a stray
fragment, "分隔）；多项用“；”分隔": the notes were cut out of the template's help at its first "；", which the
多项 type's own label (多项（用；分隔）) contains. The 说明 is the column's notes, whole, and nothing else."""

from __future__ import annotations

import pytest
from rich.console import Console

from xiaodi.tables import all_tables, get_table
from xiaodi.tables import cli as tables_cli
from xiaodi.tables.spec import ColType
from xiaodi.tables.writers import column_help


def listed(monkeypatch: pytest.MonkeyPatch, table: str) -> str:
    console = Console(width=500, record=True, color_system=None)
    monkeypatch.setattr(tables_cli, "console", console)
    tables_cli.list_tables(table)
    return console.export_text()


def test_the_notes_of_a_list_column_start_with_how_to_separate_items(monkeypatch: pytest.MonkeyPatch) -> None:
    text = listed(monkeypatch, "talents")
    line = next(line for line in text.splitlines() if "证明材料" in line)
    assert "分隔）；" not in line
    assert "多项用“；”分隔" in line


@pytest.mark.parametrize("table", sorted(all_tables()))
def test_no_column_of_any_table_has_a_stray_fragment_in_its_notes(table: str) -> None:
    from xiaodi.tables.writers import column_notes

    for col in get_table(table).columns:
        notes = "；".join(column_notes(col))
        assert not notes.startswith("分隔）"), (table, col.header, notes)
        # the template's help is 必填/选填, the type, then the same notes
        assert column_help(col) == "；".join(filter(None, ["必填" if col.required else "选填", col.type.label, notes]))
        if col.type is ColType.LIST:
            assert notes.startswith("多项用“；”分隔")
