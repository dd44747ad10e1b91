"""The period report on screen (Biểu 06 figures, totals and by field) with a bar chart.

Figures are counted off the GUI thread on a second connection (``ui.report_task``: a
progress bar under the buttons while it counts; Esc, anywhere in the view, cancels and the
figures shown stay those of the last finished report); exporting (.xlsx / .pdf)
and printing the register appear only when this build has ``services.exports`` and
``services.register`` (checked at import time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.changes import Changes
from counter_app.domain.models import VN_TZ
from counter_app.domain.statistics import COLUMNS, Counts, PeriodStatistics
from counter_app.printing.printer import PaperSize, write_durably
from counter_app.services import exports, register
from counter_app.services import reports as report_module
from counter_app.services.reading import in_worker
from counter_app.services.reports import period_report
from counter_app.texts import followup as f
from counter_app.texts import reports as rt
from counter_app.ui.errors import show_error, show_info
from counter_app.ui.models.columns import Column, ColumnTableModel, Index
from counter_app.ui.report_task import ReportTask
from counter_app.ui.session import Session
from counter_app.ui.widgets.bar_chart import BarChart
from counter_app.ui.workers import run_in_background

COUNT_NAMES = COLUMNS  # the 11 columns; the closed-without-result counts go on a line below
CHART = (
    ("early", "#2e7d32"),
    ("on_time", "#66bb6a"),
    ("late", "#c62828"),
    ("in_time", "#1e88e5"),
    ("overdue", "#ef6c00"),
)


@dataclass(frozen=True, slots=True)
class ReportLine:
    label: str
    counts: Counts
    total: bool = False


def _count_column(index: int) -> Column[ReportLine]:
    name = COUNT_NAMES[index]
    return Column(
        name,
        f.REPORT_COLUMNS[index],
        lambda line: f"{getattr(line.counts, name):,}".replace(",", "."),
        lambda line: getattr(line.counts, name),
    )


class ReportTableModel(ColumnTableModel[ReportLine]):
    columns = (
        Column("field", f.REPORT_FIELD, lambda line: line.label),
        *(_count_column(i) for i in range(len(COUNT_NAMES))),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column():
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.isValid() and self.row_at(index.row()).total:
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)

    def show(self, stats: PeriodStatistics) -> None:
        lines = [ReportLine(name, counts) for name, counts in stats.by_field.items()]
        self.set_rows([*lines, ReportLine(f.REPORT_TOTAL, stats.totals, total=True)])


def month_of(day: date, *, back: int = 0) -> tuple[date, date]:
    """The first and last day of ``day``'s month, or of ``back`` months before it."""
    first = day.replace(day=1)
    for _ in range(back):
        first = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


class ReportView(QWidget):
    report_ready = Signal(object)  # PeriodStatistics, once shown

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ctx = session.ctx
        self.stats: PeriodStatistics | None = None
        self.dirty = True
        heading = QLabel(f.REPORT_HEADING)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        heading.setFont(font)
        self.from_edit, self.to_edit = QDateEdit(), QDateEdit()
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.this_month_button = QPushButton(f.REPORT_THIS_MONTH)
        self.last_month_button = QPushButton(f.REPORT_LAST_MONTH)
        self.run_button = QPushButton(f.REPORT_RUN)
        self.run_button.setDefault(True)
        self.xlsx_button = QPushButton(f.REPORT_EXPORT_XLSX)
        self.pdf_button = QPushButton(f.REPORT_EXPORT_PDF)
        self.register_button = QPushButton(f.REPORT_PRINT_REGISTER)
        self.period_label = QLabel()
        self.closed_label = QLabel()  # of the resolved: withdrawn, stopped, supplement expired
        self.closed_label.setObjectName("reportClosed")
        self.period_label.setObjectName("report_period_label")
        self.task: ReportTask | None = None
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel(f"{f.REPORT_COMPUTING} ({f.REPORT_CANCEL_HINT})")
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress_bar, 1)
        self.progress_bar.hide()
        self.progress_label.hide()
        self.cancel_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.cancel_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cancel_shortcut.activated.connect(self.cancel_report)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # Enter in the dates: count
            run = QShortcut(QKeySequence(key), self)
            run.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            run.activated.connect(self.compute)
        self.model = ReportTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setMinimumSectionSize(70)
        self.table.setWordWrap(True)
        self.chart = BarChart()
        top = QHBoxLayout()
        for widget in (
            QLabel(f.REPORT_FROM),
            self.from_edit,
            QLabel(f.REPORT_TO),
            self.to_edit,
            self.this_month_button,
            self.last_month_button,
            self.run_button,
        ):
            top.addWidget(widget)
        top.addStretch(1)
        for widget in (self.xlsx_button, self.pdf_button, self.register_button):
            top.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addLayout(progress_row)
        layout.addWidget(self.period_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.closed_label)
        layout.addWidget(self.chart)
        self.this_month_button.clicked.connect(lambda: self.set_month(0))
        self.last_month_button.clicked.connect(lambda: self.set_month(1))
        self.run_button.clicked.connect(self.compute)
        self.xlsx_button.clicked.connect(lambda: self._on_export_clicked("xlsx"))
        self.pdf_button.clicked.connect(lambda: self._on_export_clicked("pdf"))
        self.register_button.clicked.connect(self.print_register)
        self.set_month(0, compute=False)

    def today(self) -> date:
        return self.ctx.clock.now().astimezone(VN_TZ).date()

    def period(self) -> tuple[date, date]:
        start: date = self.from_edit.date().toPython()  # type: ignore[assignment]
        end: date = self.to_edit.date().toPython()  # type: ignore[assignment]
        return start, end

    def set_month(self, back: int, *, compute: bool = True) -> None:
        """This month up to today (a later end would count every open dossier as overdue),
        or the whole of an earlier month."""
        start, end = month_of(self.today(), back=back)
        end = min(end, self.today())
        self.from_edit.setDate(QDate(start.year, start.month, start.day))
        self.to_edit.setDate(QDate(end.year, end.month, end.day))
        if compute:
            self.compute()

    # --- computing ----------------------------------------------------------------------------

    def compute(self) -> None:
        """Count the period's figures in background, then show them (one count at a time:
        asked again while counting, nothing more happens)."""
        if self.task is not None and self.task.running:
            return
        start, end = self.period()
        ctx = self.ctx

        def job(progress: Any, cancelled: Any) -> PeriodStatistics:
            count = in_worker(
                ctx,
                lambda c: period_report(
                    c, start=start, end=end, progress=progress, cancelled=cancelled
                ),
            )
            return count()

        task = ReportTask(job, self)
        task.progressed.connect(self._on_task_progressed)
        task.finished.connect(self.show_statistics)
        task.failed.connect(self._on_failed)
        task.cancelled_out.connect(self._on_task_cancelled)
        self.task = task
        self.progress_bar.setRange(0, 0)  # busy until the first step is counted
        self.progress_bar.show()
        self.progress_label.show()
        task.start()

    def cancel_report(self) -> None:
        """Esc: stop the count under way (the figures shown stay the last finished ones)."""
        if self.task is not None and self.task.running:
            self.task.cancel()

    def _on_task_progressed(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)

    def _hide_progress(self) -> None:
        self.progress_bar.hide()
        self.progress_label.hide()

    def _on_task_cancelled(self) -> None:
        self._hide_progress()
        self.period_label.setText(f.REPORT_CANCELLED)

    def show_statistics(self, stats: PeriodStatistics) -> None:
        self._hide_progress()
        self.stats = stats
        self.dirty = False
        self.model.show(stats)
        self.period_label.setText(f.report_period(stats.start, stats.end, empty=not stats.by_field))
        totals = stats.totals
        self.closed_label.setText(
            rt.closed_line(totals.withdrawn, totals.stopped, totals.supplement_expired)
        )
        self.chart.set_bars(
            f.CHART_TITLE,
            [
                (label, getattr(totals, name), colour)
                for label, (name, colour) in zip(f.CHART_BARS, CHART, strict=True)
            ],
        )
        self.report_ready.emit(stats)

    def _on_failed(self, exc: BaseException) -> None:
        self._hide_progress()
        show_error(self, exc)

    def on_changes(self, changes: Changes) -> None:
        if changes.dossiers:
            self.dirty = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        focused = QApplication.focusWidget()
        if focused is None or not self.isAncestorOf(focused):
            self.from_edit.setFocus()  # F9: the keyboard is in the period at once
        if self.dirty:
            self.compute()

    # --- files --------------------------------------------------------------------------------

    def _on_export_clicked(self, kind: str) -> None:
        start, end = self.period()
        name = f.report_file_name(start, end, kind)
        filters = f.XLSX_FILTER if kind == "xlsx" else f.PDF_FILTER
        chosen, _ = QFileDialog.getSaveFileName(self, filters, str(Path.home() / name), filters)
        if chosen:
            self.export_to(Path(chosen), kind)

    def export_to(self, path: Path, kind: str) -> None:
        """Write the period's report to ``path`` (.xlsx or .pdf) in background."""
        start, end = self.period()

        def job(c: Any) -> dict[str, str]:
            report = report_module.report(c, start=start, end=end)
            written: dict[str, str] = exports.write_report(c, report, **{kind: path})
            return written

        run_in_background(
            in_worker(self.ctx, job),
            on_success=lambda _w: self._saved(path),
            on_error=self._on_file_failed,
            parent=self,
            progress_label=f.REPORT_EXPORTING,
        )

    def print_register(self) -> None:
        """Render the register of the period's year in background and send it to the printer."""
        year = self.period()[0].year
        printer = self.session.printer()
        folder = self.ctx.store.data_dir / "reports"

        def job(c: Any) -> Path:
            pdf = register.render_register_pdf(c, year=year, book_size=0)
            target = folder / f"so-theo-doi-{year}.pdf"
            write_durably(target, pdf)
            printer.print_pdf(target, size=PaperSize.A4, copies=1, title=target.stem)
            return target

        run_in_background(
            in_worker(self.ctx, job),
            on_success=self._saved,
            on_error=self._on_file_failed,
            parent=self,
            progress_label=f.REPORT_EXPORTING,
        )

    def _saved(self, path: Path) -> None:
        show_info(self, f.report_saved(str(path)))

    def _on_file_failed(self, exc: BaseException) -> None:
        show_error(self, exc)
