"""Print the feed benchmark's figures at the end of `make bench`."""

from tests.benchmarks import bench_feeds, bench_reminders


def pytest_terminal_summary(terminalreporter):
    lines = bench_feeds.pytest_terminal_summary_lines()
    if lines:
        terminalreporter.section("calendar feed")
        for line in lines:
            terminalreporter.write_line(line)
    reminder_lines = bench_reminders.pytest_terminal_summary_lines()
    if reminder_lines:
        terminalreporter.section("reminders through a real worker")
        for line in reminder_lines:
            terminalreporter.write_line(line)
