"""What an import reports: counts, every error (file, row, column, reason, suggestion) and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from xiaodi.core.errors import XiaodiError

MAX_ERRORS_IN_MESSAGE = 30


@dataclass(frozen=True)
class CellError:
    """One problem in a file, located as the user sees it in Excel: row number and column letter + header."""

    file: str
    row: int | None
    column: str | None  # Chinese header
    letter: str | None  # Excel column letter
    reason: str
    suggestion: str | None = None

    def __str__(self) -> str:
        where = f"文件 {self.file}"
        if self.row is not None:
            where += f" 第 {self.row} 行"
        if self.letter or self.column:
            where += f" {self.letter or ''}列「{self.column or ''}」" if self.letter else f"「{self.column}」列"
        text = f"{where}：{self.reason}"
        if self.suggestion:
            text += f"（{self.suggestion}）"
        return text


@dataclass
class ImportResult:
    """The outcome of importing (or checking, with ``dry_run``) one file."""

    table: str
    title: str
    file: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # example rows and blank rows
    people_created: int = 0  # leaders named in the table who were not in the directory yet
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reader: str = ""
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        verb = "校验（未写入）" if self.dry_run else "导入"
        prefix = "将" if self.dry_run else ""
        text = (
            f"{self.title}{verb}：共 {self.rows} 行，{prefix}新增 {self.created}，{prefix}更新 {self.updated}，"
            f"无变化 {self.unchanged}"
        )
        if self.people_created:
            text += f"，{prefix}新增人员 {self.people_created}"
        if self.skipped:
            text += f"，跳过 {self.skipped}"
        return text


class ImportFailed(XiaodiError):
    """The file has errors; nothing was written (导入失败，数据未作任何修改). ``errors`` lists every problem."""

    status = 422
    code = "import_failed"

    def __init__(self, errors: list[CellError], result: ImportResult | None = None) -> None:
        self.errors = errors
        self.result = result
        file = errors[0].file if errors else ""
        lines = [f"导入失败：文件 {file} 有 {len(errors)} 处错误，数据库未作任何修改。"]
        lines += [f"  {i}. {e}" for i, e in enumerate(errors[:MAX_ERRORS_IN_MESSAGE], start=1)]
        if len(errors) > MAX_ERRORS_IN_MESSAGE:
            lines.append(f"  …… 另有 {len(errors) - MAX_ERRORS_IN_MESSAGE} 处错误未列出")
        super().__init__("\n".join(lines))
