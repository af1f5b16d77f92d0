"""The source registry: documents cited by short reference, never by their file names."""

from __future__ import annotations

from scenarios.data import load_dataset
from scenarios.data.sources import FILE_NAME, cite, full_reference, group_citations, registry


def test_every_seed_document_is_registered_with_a_title():
    files = {
        f"00{i}_{h}.txt"
        for i, h in enumerate(
            [
                "d4a945767f502f36",
                "017d06697d5ead08",
                "6f3de634016fd4a4",
                "74839452219cce69",
                "c28e45fc07610c43",
            ]
        )
    }
    assert set(registry()) == files
    assert all(s.title and s.short for s in registry().values())


def test_cite_replaces_file_names_and_drops_a_repeated_source():
    assert cite("001_017d06697d5ead08.txt Table 2 (NIST AMS 600-17)") == (
        "NIST AMS 600-17 (2025), Table 2"
    )
    assert cite("000_d4a945767f502f36.txt (ITIF 2016); x.csv") == "ITIF (2016); x.csv"
    assert cite("no file here") == "no file here"


def test_full_reference_names_title_address_and_file():
    text = full_reference(registry()["001_017d06697d5ead08.txt"])
    assert text.startswith("NIST AMS 600-17 (2025): ")
    assert "Benchmarking Report" in text and "https://doi.org/10.6028/NIST.AMS.600-17" in text
    assert text.endswith("file 001_017d06697d5ead08.txt.")


def test_group_citations_merges_rows_into_ranges():
    rows = [f"001_017d06697d5ead08.txt Appendix A.1, row {n}" for n in (1, 2, 3, 5)]
    assert group_citations([*rows, "001_017d06697d5ead08.txt Table 2"]) == [
        "NIST AMS 600-17 (2025): Appendix A.1, rows 1-3, 5; Table 2"
    ]


def test_dataset_sources_cite_each_document_once_without_file_names():
    sources = load_dataset().sources()
    for table in ("institutes", "program_facts"):
        text = sources.loc[sources["table"] == table, "source"].iloc[0]
        assert not FILE_NAME.search(text), text
        assert text.count("NIST AMS 600-17 (2025)") == 1, text
