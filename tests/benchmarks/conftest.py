"""Print the feed benchmark's figures at the end of `make bench`."""

from tests.benchmarks import bench_feeds


def pytest_terminal_summary(terminalreporter):
    lines = bench_feeds.pytest_terminal_summary_lines()
    if lines:
        terminalreporter.section("calendar feed")
        for line in lines:
            terminalreporter.write_line(line)
