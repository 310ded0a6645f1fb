"""The parts of ``make bench``'s server sections that read and print figures (no timing here)."""

import pytest
from django.urls import Resolver404, resolve

from portal import bench_http

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8105/fr/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.10ms    3.20ms  40.00ms   80.00%
  4012 requests in 5.01s, 60.12MB read
  Non-2xx or 3xx responses: 7
Requests/sec:    800.80
Transfer/sec:     12.00MB
"""


def test_wrk_rate_and_failed_responses_are_read_from_its_summary():
    assert bench_http.parse_wrk(WRK_OUTPUT) == (800.80, 7)
    assert bench_http.parse_wrk(WRK_OUTPUT.replace("  Non-2xx or 3xx responses: 7\n", "")) == (
        800.80,
        0,
    )
    with pytest.raises(ValueError, match="débit"):
        bench_http.parse_wrk("unable to connect to 127.0.0.1:8105 Connection refused")


def test_a_ratio_row_prints_the_share_of_the_bare_view_and_whether_its_goal_is_met():
    assert bench_http.ratio_row("Page du plan", 69, 1977, 50) == (
        "Page du plan                               69     3,5 %  objectif ≥ 50 % : NON ATTEINT"
    )
    assert bench_http.ratio_row("Accueil", 1250.4, 1977, 60).endswith(
        "1\u202f250    63,2 %  objectif ≥ 60 % : atteint"
    )
    assert bench_http.ratio_row("Vue Django nue", 1977, 1977).endswith("1\u202f977   100,0 %")


def test_the_same_time_means_within_fifteen_percent_of_the_reference():
    assert bench_http.within(57.4, 50)
    assert bench_http.within(42.6, 50)
    assert not bench_http.within(87, 47)
    assert not bench_http.within(1, 0)


def test_a_calendar_client_sends_back_the_etag_else_the_last_modified_date():
    modified = "Thu, 05 Feb 2026 15:00:00 GMT"
    assert bench_http.conditional_headers({"ETag": '"v42"', "Last-Modified": modified}) == {
        "If-None-Match": '"v42"'
    }
    assert bench_http.conditional_headers({"Last-Modified": modified}) == {
        "If-Modified-Since": modified
    }
    assert bench_http.conditional_headers({}) == {}


def test_the_database_address_handed_to_gunicorn_is_the_one_the_bench_writes_to():
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/bench/bench.sqlite3"}
    assert bench_http.database_url(sqlite) == "sqlite:////tmp/bench/bench.sqlite3"
    postgres = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "test_portal",
        "USER": "portal",
        "PASSWORD": "p@ss/word",
        "HOST": "127.0.0.1",
        "PORT": 5432,
    }
    assert (
        bench_http.database_url(postgres)
        == "postgres://portal:p%40ss%2Fword@127.0.0.1:5432/test_portal"
    )


def test_gunicorn_runs_with_production_settings_whatever_the_bench_runs_with(monkeypatch):
    monkeypatch.setenv("PORTAL_DEMO", "1")
    monkeypatch.setenv("DEBUG", "1")
    env = bench_http.production_env("sqlite:////tmp/b.sqlite3", port=8105)
    assert "PORTAL_DEMO" not in env and "DEBUG" not in env
    assert env["DJANGO_SETTINGS_MODULE"] == "portal.settings_bench"
    assert env["PORT"] == "8105" and env["DATABASE_URL"] == "sqlite:////tmp/b.sqlite3"
    assert len(env["SECRET_KEY"]) > 50


def test_the_bare_view_exists_in_the_bench_urlconf_only():
    assert resolve("/bench/nue/", urlconf="portal.bench_urls").url_name == "bench_bare"
    assert resolve("/fr/", urlconf="portal.bench_urls").url_name == "home"
    with pytest.raises(Resolver404):
        resolve("/bench/nue/")


def _audit(title, score, mode="binary"):
    return {"title": title, "score": score, "scoreDisplayMode": mode}


LIGHTHOUSE_REPORT = {
    "categories": {
        "accessibility": {
            "score": 0.96,
            "auditRefs": [
                {"id": "color-contrast", "weight": 7},
                {"id": "label", "weight": 7},
                {"id": "bypass", "weight": 0},
            ],
        },
        "best-practices": {"score": 1, "auditRefs": [{"id": "errors-in-console", "weight": 1}]},
        "seo": {"score": 1.0, "auditRefs": []},
        "performance": {
            "score": 0.91,
            "auditRefs": [
                {"id": "largest-contentful-paint", "weight": 25},
                {"id": "render-blocking-resources", "weight": 0},
                {"id": "diagnostics", "weight": 0},
            ],
        },
    },
    "audits": {
        "color-contrast": _audit("Background and foreground colors do not have enough contrast", 0),
        "label": _audit("Form elements have associated labels", 1),
        "bypass": _audit("The page has a skip link", None, "notApplicable"),
        "errors-in-console": _audit("Browser errors were logged to the console", 0),
        "largest-contentful-paint": _audit("Largest Contentful Paint", 0.7, "numeric"),
        "render-blocking-resources": _audit(
            "Eliminate render-blocking resources", 0.5, "metricSavings"
        ),
        "diagnostics": _audit("Diagnostics", 1, "informative"),
    },
}


def test_lighthouse_scores_are_printed_with_the_goals_and_the_audits_that_failed():
    summary = bench_http.lighthouse_summary(LIGHTHOUSE_REPORT)
    assert summary == {
        "accessibility": (
            96,
            100,
            ["Background and foreground colors do not have enough contrast"],
        ),
        "best-practices": (100, 100, []),
        "seo": (100, 100, []),
        "performance": (91, 95, ["Largest Contentful Paint"]),
    }
    assert bench_http.lighthouse_lines("Accueil", summary) == [
        "Accueil                  accessibility 96/100  best-practices 100/100  seo 100/100  "
        "performance 91/95  NON ATTEINT",
        "    accessibility : Background and foreground colors do not have enough contrast",
        "    performance : Largest Contentful Paint",
    ]


def test_a_category_lighthouse_did_not_score_counts_as_missed():
    report = {"categories": {"seo": {"score": None, "auditRefs": []}}, "audits": {}}
    summary = bench_http.lighthouse_summary(report, {"seo": 100})
    assert summary == {"seo": (None, 100, [])}
    assert bench_http.lighthouse_lines("Trousse", summary)[0].endswith("seo —/100  NON ATTEINT")
