"""Print the feed benchmark's figures at the end of `make bench`."""

from tests.benchmarks import bench_feeds, bench_planning, bench_reminders, bench_search


def pytest_terminal_summary(terminalreporter):
    lines = bench_feeds.pytest_terminal_summary_lines()
    if lines:
        terminalreporter.section("calendar feed")
        for line in lines:
            terminalreporter.write_line(line)
    search_lines = bench_search.pytest_terminal_summary_lines()
    if search_lines:
        terminalreporter.section("search")
        for line in search_lines:
            terminalreporter.write_line(line)
    reminder_lines = bench_reminders.pytest_terminal_summary_lines()
    if reminder_lines:
        terminalreporter.section("reminders through a real worker")
        for line in reminder_lines:
            terminalreporter.write_line(line)
    planning_lines = bench_planning.pytest_terminal_summary_lines()
    if planning_lines:
        terminalreporter.section("planning across mechanisms")
        for line in planning_lines:
            terminalreporter.write_line(line)
