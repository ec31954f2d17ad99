#!/usr/bin/python3
"""Cross-validation of novelty candidates across groups of channels (scripts/select_novelty.sh).

    novelty_folds.py FOLDS_TSV LENGTH_RATIO

FOLDS_TSV has one line per candidate, channel and seed: candidate, channel, labels, found,
detections, false detections (from telemine evaluate's evaluation.csv). A channel's fold is its
letter (A-1 -> A); letters of fewer than MIN_CHANNELS channels make one fold together, so that
no fold is judged on one or two channels. Figures are event-wise, summed over the fold's
channels and the seeds, at the test length: false detections weigh LENGTH_RATIO times more.

Prints (1) every candidate's F0.5 on every fold, ranked by its worst fold; (2) leave one fold
out: the candidate with the best worst fold on the other folds, and its F0.5 on the one left
out, which estimates how the protocol's choice does on channels it has not seen.
"""
import collections
import sys

MIN_CHANNELS = 5


def f05(labels, found, detections, false, ratio):
    true = detections - false
    p = true / (true + ratio * false) if detections else 1.0
    r = found / labels if labels else 0.0
    return 1.25 * p * r / (0.25 * p + r) if p + r > 0 else 0.0


def read(path):
    counts = collections.defaultdict(lambda: [0, 0, 0, 0])  # (candidate, channel) -> sums
    order, channels = [], set()
    with open(path) as f:
        for n, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 6:
                sys.exit(f"{path}:{n}: expected 6 tab-separated fields, got {len(parts)}")
            cand, chan = parts[0], parts[1]
            if cand not in order:
                order.append(cand)
            channels.add(chan)
            for i, v in enumerate(parts[2:]):
                counts[cand, chan][i] += int(v)
    return counts, order, sorted(channels)


def folds_of(channels):
    by_letter = collections.defaultdict(list)
    for c in channels:
        by_letter[c.split("-")[0]].append(c)
    folds, rest = {}, []
    for letter, chans in sorted(by_letter.items()):
        if len(chans) >= MIN_CHANNELS:
            folds[letter] = chans
        else:
            rest += chans
    if rest:
        name = "+".join(sorted({c.split("-")[0] for c in rest}))
        folds[name] = rest
    return folds


def score(counts, cand, chans, ratio):
    s = [0, 0, 0, 0]
    for c in chans:
        for i, v in enumerate(counts[cand, c]):
            s[i] += v
    return f05(*s, ratio)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    counts, cands, channels = read(sys.argv[1])
    ratio = float(sys.argv[2])
    folds = folds_of(channels)
    names = list(folds)
    table = {c: {f: score(counts, c, folds[f], ratio) for f in names} for c in cands}
    width = max(len(c) for c in cands) + 2
    print(f"F0.5 at the test length (false x {ratio}) by fold of channels; folds: "
          + ", ".join(f"{f} ({len(folds[f])})" for f in names))
    cols = {f: max(8, len(f) + 2) for f in names}
    print(f"{'candidate':<{width}}" + "".join(f"{f:>{cols[f]}}" for f in names) + f"{'all':>8}{'worst':>8}")
    ranked = sorted(cands, key=lambda c: -min(table[c].values()))
    for c in ranked:
        row = table[c]
        print(f"{c:<{width}}" + "".join(f"{row[f]:{cols[f]}.3f}" for f in names)
              + f"{score(counts, c, channels, ratio):8.3f}{min(row.values()):8.3f}")
    print()
    print("Leave one fold out: the candidate with the best worst fold on the other folds, scored on the one left out")
    held = []
    for f in names:
        others = [g for g in names if g != f]
        pick = max(cands, key=lambda c: (min(table[c][g] for g in others) if others else 0, -cands.index(c)))
        held.append(table[pick][f])
        print(f"  {f:<10} chose {pick:<{width}} on the others; on {f}: {table[pick][f]:.3f}")
    print(f"  held-out F0.5: worst {min(held):.3f}, mean {sum(held) / len(held):.3f}")
    print(f"protocol's choice (best worst fold over all folds): {ranked[0]}")


if __name__ == "__main__":
    main()
