"""The bench asks for real pages: every path it draws from a library answers 200.

Run by hand, like bench/admin_save.py (never part of `make test`):

    .venv/bin/pytest -q bench/test_paths.py
"""

import paths  # bench/paths.py; pytest puts bench/ on the import path
import pytest
from django.conf import settings
from django.core.management import call_command
from run import FIXTURES, backend_substituted

LISTS = ("poses", "searches", "filters", "sequences", "other", "repeated")


@pytest.fixture
def path_lists(db, tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "DISTINCT", 40)
    call_command("load_poses", *(settings.BASE_DIR / name for name in FIXTURES), verbosity=0)
    call_command("generate_poses", "20", verbosity=0)
    paths.main(tmp_path)
    return {name: (tmp_path / f"{name}.txt").read_text().splitlines() for name in LISTS}


def test_every_path_the_bench_asks_for_answers_200(client, path_lists):
    failures = [
        (name, path, status)
        for name, listed in path_lists.items()
        for path in listed
        if (status := client.get(path).status_code) != 200
    ]
    assert failures == []


def test_searches_and_filters_are_as_many_distinct_urls_as_asked(path_lists):
    for name in ("searches", "filters"):
        assert len(path_lists[name]) == 40
        assert len(set(path_lists[name])) == 40


def test_pose_pages_cover_the_whole_published_library(path_lists):
    assert len(path_lists["poses"]) == len(set(path_lists["poses"])) == 80
    assert path_lists["sequences"][0] == "/sequences/"
    assert len(path_lists["sequences"]) == 5  # the list, and 2 sequences with their practise views


def test_varnish_backend_moves_to_the_bench_gunicorn():
    vcl = 'backend default {\n    .host = "127.0.0.1";\n    .port = "8000";\n}\n'
    moved, count = backend_substituted(vcl, 18765)
    assert count == 1
    assert '.port = "18765";' in moved
    assert '.host = "127.0.0.1";' in moved


def test_varnish_backend_given_as_host_and_port_moves_too():
    moved, count = backend_substituted('backend default { .host = "127.0.0.1:8000"; }', 18765)
    assert (moved, count) == ('backend default { .host = "127.0.0.1:18765"; }', 1)


def test_a_vcl_without_port_8000_is_not_substituted():
    assert backend_substituted('backend default { .port = "9000"; }', 18765)[1] == 0
