"""A record with markup in every text field: the API's only markup is the snippet's <mark>."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from search_service import create_app
from tests.builders import make_record

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
TEXT_FIELDS = ("title", "summary", "challenge", "lks_contribution", "outcome",
               "patient_benefit")


def test_snippets_escape_document_text(small_index: Any) -> None:
    hostile = make_record(id="hostile", **{f: f"falls {PAYLOAD} falls" for f in TEXT_FIELDS},
                          topics=[PAYLOAD], organisation=f"Trust {PAYLOAD}",
                          quote={"text": PAYLOAD, "role": PAYLOAD, "organisation": PAYLOAD})
    root: Path = small_index([hostile, make_record(id="plain")])
    client = create_app({"TESTING": True, "INDEX_DIR": str(root)}).test_client()
    for q in ("falls", "script", "alert", "img"):
        body = client.get(f"/api/v1/search?q={q}").get_json()
        for hit in body["hits"]:
            markup = re.findall(r"<[^>]*>", hit["snippet"])
            assert set(markup) <= {"<mark>", "</mark>"}, markup
    hit = client.get("/api/v1/search?q=script").get_json()["hits"][0]
    assert "&lt;<mark>script</mark>&gt;" in hit["snippet"]
    assert "<script" not in hit["snippet"] and "<img" not in hit["snippet"]
    # JSON carries the text as text; a page must escape it when it renders it.
    assert client.get("/api/v1/cases/hostile").get_json()["title"].count("<script>") == 1
    assert client.get("/api/v1/search?q=falls").headers["Content-Type"].startswith(
        "application/json")
