#!/usr/bin/env python3
"""Checks candidate word pairs against Princeton WordNet 3.0 (Debian package wordnet-base).

For each pair "a b pos" prints the synsets the two lemmas share and the sense rank of that
synset for each word (1 = the word's most frequent sense in WordNet's tagged corpus). A pair is
kept for hand review only if some shared synset is among the first MAX_RANK senses of both words:
that is the "common senses match" rule; raw WordNet synonymy ("great" -> "bully": sense 5 of
great, "new" -> "novel": sense 2 of new) fails it. Usage:
  python3 wordnet_review.py < candidates.txt   (lines: a b pos, pos in n v a r)
"""
import sys

WN = "/usr/share/wordnet"
MAX_RANK = 3
FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}


def index(pos):
    out = {}
    with open(f"{WN}/index.{FILES[pos]}", encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            p = line.split()
            lemma, synset_cnt, p_cnt = p[0], int(p[2]), int(p[3])
            offsets = p[4 + p_cnt + 2:]
            out[lemma] = offsets[:synset_cnt]
    return out


def gloss(pos, offset):
    with open(f"{WN}/data.{FILES[pos]}", encoding="latin-1") as f:
        f.seek(int(offset))
        line = f.readline()
    return line.split("| ", 1)[1].strip() if "| " in line else ""


def main():
    idx = {p: index(p) for p in FILES}
    for line in sys.stdin:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        a, b, pos = line.split()[:3]
        sa, sb = idx[pos].get(a, []), idx[pos].get(b, [])
        best = None
        for i, o in enumerate(sa):
            if o in sb:
                j = sb.index(o)
                if best is None or max(i, j) < max(best[1], best[2]):
                    best = (o, i + 1, j + 1)
        if best is None:
            print(f"NOSHARE\t{a}\t{b}\t{pos}")
            continue
        o, ra, rb = best
        verdict = "OK" if ra <= MAX_RANK and rb <= MAX_RANK else "RARE"
        print(f"{verdict}\t{a}\t{b}\t{pos}\t{o}\t{ra}\t{rb}\t{gloss(pos, o)[:70]}")


if __name__ == "__main__":
    main()
