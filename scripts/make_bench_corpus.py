#!/usr/bin/env python3
"""Builds a corpus of N news-like documents for timing `dyad code` and
`dyad ingest`, from the sentences of the UD English treebanks in ../shared
(GUM news documents and EWT). Not shipped; for benchmarks only.

  python3 scripts/make_bench_corpus.py --docs 10000 --out target/bench-corpus

writes OUT/txt/NNNNN.txt (one document per file) and OUT/docs.jsonl (the same
documents with ids, dates, sources and URLs).
"""

import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
UD = os.path.join(HERE, "..", "..", "shared", "data", "ud")
FILES = [
    ("UD_English-GUM", "en_gum-ud-train.conllu"),
    ("UD_English-GUM", "en_gum-ud-dev.conllu"),
    ("UD_English-EWT", "en_ewt-ud-train.conllu"),
]
SOURCES = ["Reuters", "AP", "AFP", "BBC", "Al Jazeera", "Xinhua", "TASS"]


def sentences():
    out = []
    for tb, name in FILES:
        with open(os.path.join(UD, tb, name), encoding="utf-8") as f:
            for line in f:
                if line.startswith("# text = "):
                    s = line[len("# text = "):].strip()
                    if len(s.split()) >= 6:
                        out.append(s)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--sentences", type=int, default=18, help="sentences per document")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    sents = sentences()
    os.makedirs(os.path.join(a.out, "txt"), exist_ok=True)
    with open(os.path.join(a.out, "docs.jsonl"), "w", encoding="utf-8") as jl:
        for i in range(a.docs):
            start = (i * 37) % len(sents)
            body = [sents[(start + k) % len(sents)] for k in range(a.sentences)]
            paras = "\n\n".join(" ".join(body[k:k + 3]) for k in range(0, len(body), 3))
            doc_id = f"bench-{i:05d}"
            with open(os.path.join(a.out, "txt", f"{i:05d}.txt"), "w", encoding="utf-8") as f:
                f.write(paras + "\n")
            day = 1 + i % 28
            month = 1 + (i // 28) % 12
            jl.write(json.dumps({
                "id": doc_id, "date": f"2025-{month:02d}-{day:02d}", "source": SOURCES[i % len(SOURCES)],
                "url": f"https://news.example/{doc_id}", "text": paras,
            }) + "\n")
    print(f"{a.docs} documents from {len(sents)} sentences in {a.out}")


if __name__ == "__main__":
    main()
