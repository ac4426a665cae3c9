"""Runs every benchmark and prints its table.  `python -m bench --help` for options."""
from __future__ import annotations

import argparse
import sys

from bench import booking_rush, buyer_rush, catalogue_search, graphql_limits, homes, proposals, startup, videos


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("which", nargs="*", default=["search", "rush", "startup", "proposals", "limits", "homes"],
                        choices=["search", "rush", "startup", "proposals", "limits", "homes", "buyers", "videos"])
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300,
                        help="searches (search), or home page requests per role and size (homes: at most 30 unless set)")
    parser.add_argument("--runs", type=int, default=3, help="booking rushes down each path (medians reported)")
    parser.add_argument("--video-mb", type=int, default=500, help="videos: the size of the file streamed")
    parser.add_argument("--seconds", type=float, default=10.0, help="videos: how long each run of viewers watches")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL base URL (default: SQLite files in a temporary folder)")
    args = parser.parse_args()
    if "search" in args.which:
        catalogue_search.run(args.courses, args.requests, args.database_url)
    if "rush" in args.which:
        booking_rush.run(database_url=args.database_url, runs=args.runs)
    if "startup" in args.which:
        startup.run()
    if "proposals" in args.which:
        proposals.run()
    if "limits" in args.which:
        graphql_limits.run()
    if "homes" in args.which:
        homes.run(args.database_url, requests=min(args.requests, 30) if args.requests == 300 else args.requests)
    if "buyers" in args.which:
        buyer_rush.run(database_url=args.database_url)
    if "videos" in args.which:
        videos.run(args.video_mb, args.seconds, args.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
