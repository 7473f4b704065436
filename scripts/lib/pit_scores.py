#!/usr/bin/env python3
"""Prints PIT's mutation scores per package from one or more mutations.xml reports.

Usage: pit_scores.py REPORT.xml... [--survivors]

Score = killed (incl. timed out and memory errors) / all mutants, as PIT's own summary counts it;
"no coverage" mutants count as not killed. Groups: each package, and dev.twofa.domain as a whole.
With several reports, a mutant found in more than one (dev.twofa.app is mutated by both halves of
scripts/mutation) counts as killed when any suite killed it: the whole test suite's score.
"""
import collections
import sys
import xml.etree.ElementTree as ET

KILLED = {"KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR"}


def main(argv):
    show = "--survivors" in argv
    reports = [a for a in argv if not a.startswith("--")]
    stats = collections.defaultdict(collections.Counter)
    survivors = []
    rank = {"killed": 2, "survived": 1, "no coverage": 0}
    merged = {}
    for report in reports:
        for m in ET.parse(report).getroot().iter("mutation"):
            status = m.get("status")
            outcome = "killed" if status in KILLED else "survived" if status == "SURVIVED" else "no coverage"
            key = tuple(m.findtext(f) or "" for f in ("mutatedClass", "mutatedMethod", "methodDescription",
                                                      "lineNumber", "mutator", "description"))
            key += tuple(i.text for i in m.iter("index"))
            if key not in merged or rank[outcome] > rank[merged[key][1]]:
                merged[key] = (m, outcome)
    for m, outcome in merged.values():
        cls = m.findtext("mutatedClass")
        pkg = cls.rsplit(".", 1)[0]
        groups = [pkg]
        for top in ("dev.twofa.domain", "dev.twofa.http", "dev.twofa.app"):
            if pkg == top or pkg.startswith(top + "."):
                if top != pkg:
                    groups.append(top)
        for g in groups:
            stats[g]["mutants"] += 1
            stats[g][outcome] += 1
        if outcome != "killed":
            survivors.append(
                (cls, m.findtext("lineNumber"), m.findtext("mutatedMethod"), outcome, m.findtext("description"))
            )
    print(f"{'package':36} {'mutants':>8} {'killed':>7} {'survived':>9} {'no cov':>7} {'score':>6}")
    for g in sorted(stats):
        s = stats[g]
        score = 100.0 * s["killed"] / s["mutants"] if s["mutants"] else 100.0
        print(f"{g:36} {s['mutants']:8} {s['killed']:7} {s['survived']:9} {s['no coverage']:7} {score:5.1f}%")
    if show:
        print()
        for cls, line, method, outcome, desc in sorted(survivors):
            print(f"{outcome:11} {cls}:{line} {method}: {desc}")


if __name__ == "__main__":
    main(sys.argv[1:])
