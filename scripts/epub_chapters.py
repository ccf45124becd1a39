"""Chapter counts of FanFicFare EPUBs, for automated-fanfic's library import.

Reads a JSON list of EPUB paths on standard input and writes a JSON list of the same length:
the number of chapters FanFicFare counts in each (as `-u` does), or null when the file cannot
be read. Nothing is fetched from the network.
"""
import json
import logging
import sys


def main():
    logging.disable(logging.CRITICAL)
    paths = json.load(sys.stdin)
    from fanficfare.epubutils import get_dcsource_chaptercount

    counts = []
    for path in paths:
        try:
            counts.append(get_dcsource_chaptercount(path)[1])
        except Exception:
            counts.append(None)
    json.dump(counts, sys.stdout)


if __name__ == "__main__":
    main()
