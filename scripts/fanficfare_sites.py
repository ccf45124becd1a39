"""FanFicFare's own view of story links, for automated-fanfic.

Reads one JSON request on standard input and writes one JSON answer on standard output:
  {"op": "domains"}                 -> {"version": "...", "domains": ["www.fanfiction.net", ...]}
  {"op": "normalize", "urls": [..]} -> {"version": "...", "stories": [{"url", "site", "storyId"} | null, ...]}
FanFicFare's adapters decide; nothing is fetched from the network.
"""
import json
import logging
import sys


def main():
    logging.disable(logging.CRITICAL)
    request = json.load(sys.stdin)
    from fanficfare import adapters, cli

    answer = {"version": cli.version}
    if request["op"] == "domains":
        answer["domains"] = sorted(getattr(adapters, "__domain_map").keys())
    elif request["op"] == "normalize":
        answer["stories"] = [normalize(adapters, url) for url in request["urls"]]
    else:
        raise SystemExit("unknown op: %r" % (request["op"],))
    json.dump(answer, sys.stdout)


def normalize(adapters, url):
    with adapters.lightweight_adapter(url) as adapter:
        if adapter is None:
            return None
        return {
            "url": adapter.url,
            "site": adapter.getSiteDomain(),
            "storyId": str(adapter.story.getMetadata("storyId")),
        }


if __name__ == "__main__":
    main()
