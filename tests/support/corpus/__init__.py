"""Corpus harness: every operation of every third-party spec in ../shared/corpus, called against Prism.

`harness.run_entry` is the entry point (used by tests/corpus_runs/test_corpus.py and scripts/corpus_report.py);
docs/corpus.md explains the method and holds the latest results.
"""
