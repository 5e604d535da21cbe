#!/usr/bin/env python3
"""Builds a JSON Lines corpus of N documents for timing `dyad code` against
`dyad ingest`: the `# text` sentences of the UD English-EWT and GUM
treebanks in ../shared, grouped into documents by `# newdoc` (paragraph
breaks at `# newpar`), repeated until there are N, each repeat with its own
id, date and source and its sentences rotated so that no two documents are
the same text. Not shipped; for benchmarks only. Write it outside the repo:

  python3 scripts/make_ud_corpus.py --docs 10000 --out target/ud-corpus.jsonl
"""

import argparse
import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
UD = os.path.join(HERE, "..", "..", "shared", "data", "ud")
SOURCES = ["Reuters", "AP", "AFP", "BBC", "Al Jazeera", "Xinhua", "TASS"]


def documents():
    """(id, [paragraph, ...]) for every `# newdoc` of EWT and GUM, in file order."""
    out = []
    for tb in ["UD_English-EWT", "UD_English-GUM"]:
        for path in sorted(glob.glob(os.path.join(UD, tb, "*.conllu"))):
            doc_id, paras = None, []
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.startswith("# newdoc"):
                        if doc_id and paras:
                            out.append((doc_id, paras))
                        doc_id = line.split("=", 1)[1].strip() if "=" in line else f"doc{len(out)}"
                        paras = [[]]
                    elif line.startswith("# newpar") and paras and paras[-1]:
                        paras.append([])
                    elif line.startswith("# text = "):
                        if not paras:
                            paras = [[]]
                        paras[-1].append(line[len("# text = "):].strip())
            if doc_id and paras:
                out.append((doc_id, paras))
    return [(i, [p for p in ps if p]) for i, ps in out if any(ps)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    docs = documents()
    sentences = 0
    with open(a.out, "w", encoding="utf-8") as out:
        for i in range(a.docs):
            base_id, paras = docs[i % len(docs)]
            rep = i // len(docs)
            # Repeat r rotates the paragraphs by r, so repeats differ.
            k = rep % len(paras)
            paras = paras[k:] + paras[:k]
            text = "\n\n".join(" ".join(p) for p in paras) + "\n"
            sentences += sum(len(p) for p in paras)
            doc_id = f"{base_id}#{rep}#{i:05d}"
            day, month = 1 + i % 28, 1 + (i // 28) % 12
            out.write(json.dumps({
                "id": doc_id, "date": f"2025-{month:02d}-{day:02d}", "source": SOURCES[i % len(SOURCES)],
                "url": f"https://news.example/{i:05d}", "text": text,
            }) + "\n")
    print(f"{a.docs} documents ({sentences} treebank sentences) from {len(docs)} treebank documents in {a.out}")


if __name__ == "__main__":
    main()
