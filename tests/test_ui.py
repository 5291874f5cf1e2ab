"""The workbench UI in a real headless Chromium (Debian's chromium + chromium-driver).

Skipped, with the reason, when the browser, its driver or Selenium is missing
(``.ci/install-browser.sh`` installs them). Saves a screenshot of the RTL article view to
``out/ui/article.png``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is not installed")
pytest.importorskip("selenium", reason="selenium is not installed (pip install selenium)")

from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from webserver import Server, running_server

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "out" / "ui" / "article.png"
CHROMIUM = next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None
)
CHROMEDRIVER = "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
WAIT_S = 30

ARTICLE = (
    "التقى الرئيس الروسي فلاديمير بوتين الرئيس الإيراني مسعود بزشكيان في موسكو يوم الجمعة، "
    "وبحث الجانبان صفقة بقيمة 1.7 مليار دولار.\n"
    "وقال بوتين، بحسب وكالة تاس، إن «العلاقات مع إيران أولوية بالنسبة لنا».\n"
    "وفي الثالث من تشرين الأول/أكتوبر، أعلنت وزارة الدفاع أن 300 جندي وصلوا إلى المنطقة 🙂.\n"
    "وهاجمت إسرائيل حزب الله في جنوب لبنان، واتهم حزب الله إسرائيل بانتهاك الهدنة."
)
MARKUP = (
    "قال الوزير <script>window.__marsadPwned = 1; alert(1)</script> إن الوضع "
    '<img src=x onerror="window.__marsadPwned = 2; alert(2)"> هادئ في بيروت يوم الأحد.\n'
    '<b onmouseover="window.__marsadPwned = 3">نص</b> <iframe src="javascript:alert(3)"></iframe>'
)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(
            "headless Chromium is absent: needs /usr/bin/chromium and /usr/bin/chromedriver "
            "(apt-get install chromium chromium-driver, or .ci/install-browser.sh)"
        )
    profile = tempfile.mkdtemp(prefix="marsad-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("ui")) as s:
        yield s


def wait_for(driver: WebDriver, check: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            value = check()
        except StaleElementReferenceException:  # the page re-rendered under us: look again
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutException(f"waited {WAIT_S} s for {what}; status: {status_text(driver)!r}")


def status_text(driver: WebDriver) -> str:
    found = driver.find_elements(By.ID, "status")
    return found[0].text if found else ""


def analyze_in_page(driver: WebDriver, server: Server, text: str, published: str) -> WebElement:
    """Paste ``text`` into the form, analyse it, and return the article element."""
    driver.get(server.url + "/#/analyze")
    driver.refresh()  # a fresh page, not the previous test's view
    wait_for(driver, lambda: driver.execute_script("return document.body.dataset.ready"), "app")
    box = driver.find_element(By.ID, "article-input")
    # set the value as a paste would (send_keys of long Arabic text is slow and IME-dependent)
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        box,
        text,
    )
    driver.execute_script("document.getElementById('published').value = arguments[0]", published)
    driver.find_element(By.ID, "analyze-btn").click()
    return wait_for(
        driver,
        lambda: (driver.find_elements(By.CSS_SELECTOR, "#analyze-result #article") or [None])[0],
        "the article view",
    )


def span_at(doc: dict[str, Any], key: str) -> dict[str, Any]:
    """The span a ``data-key`` names: ``entities[2].mentions[0]``, ``times[1]``,
    ``events[0].trigger`` …"""
    node: Any = doc
    for name, index in re.findall(r"(\w+)(?:\[(\d+)\])?", key):
        node = node[name]
        if index:
            node = node[int(index)]
    return dict(node)


def all_span_keys(doc: dict[str, Any]) -> set[str]:
    keys = set()
    for i, e in enumerate(doc["entities"]):
        keys |= {f"entities[{i}].mentions[{j}]" for j, _ in enumerate(e["mentions"])}
    for name in ("times", "quantities", "quotes"):
        keys |= {f"{name}[{i}]" for i, _ in enumerate(doc[name])}
    keys |= {f"events[{i}].trigger" for i, _ in enumerate(doc["events"])}
    return keys


def test_pasted_article_highlights_cover_exactly_their_spans(
    browser: WebDriver, server: Server
) -> None:
    article = analyze_in_page(browser, server, ARTICLE, "2024-10-11")
    status, doc = server.json("POST", "/analyze", {"text": ARTICLE, "published": "2024-10-11"})
    assert status == 200
    # the page's article text is the document text, character for character
    assert browser.execute_script("return arguments[0].textContent", article) == ARTICLE
    assert browser.execute_script("return getComputedStyle(arguments[0]).direction", article) == (
        "rtl"
    )
    pieces = browser.execute_script(
        "return Array.from(arguments[0].querySelectorAll('.hl')).map("
        "e => [e.dataset.key, e.dataset.kind, e.textContent])",
        article,
    )
    joined: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for key, kind, text in pieces:  # a split highlight comes in parts, in text order
        joined[key] = joined.get(key, "") + text
        kinds[key] = kind
    assert set(joined) == all_span_keys(doc)
    assert {"entity", "time", "quantity", "quote", "trigger"} <= set(kinds.values())
    for key, text in joined.items():
        span = span_at(doc, key)
        assert text == span["text"] == ARTICLE[span["start"] : span["end"]], key
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    browser.execute_script("document.getElementById('doc-view').scrollIntoView()")
    browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000


def test_clicking_a_highlight_shows_its_resolved_value(browser: WebDriver, server: Server) -> None:
    article = analyze_in_page(browser, server, ARTICLE, "2024-10-11")
    _status, doc = server.json("POST", "/analyze", {"text": ARTICLE, "published": "2024-10-11"})
    i = next(i for i, e in enumerate(doc["entities"]) if e["wikidata"] == "Q7747")
    putin = article.find_element(By.CSS_SELECTOR, f'[data-key="entities[{i}].mentions[0]"]')
    putin.click()
    detail = browser.find_element(By.ID, "detail").text
    assert "Vladimir Putin" in detail and "Q7747" in detail and "PERSON" in detail
    j = next(j for j, t in enumerate(doc["times"]) if t["value"])
    browser.find_element(By.CSS_SELECTOR, f'[data-key="times[{j}]"]').click()
    assert doc["times"][j]["value"] in browser.find_element(By.ID, "detail").text
    k, q = next((k, q) for k, q in enumerate(doc["quotes"]) if q["speaker"])
    node = browser.find_element(By.CSS_SELECTOR, f'[data-key="quotes[{k}]"]')
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click'))", node)
    detail = browser.find_element(By.ID, "detail").text
    speaker = next(e for e in doc["entities"] if e["id"] == q["speaker"])
    assert (speaker["name_en"] or speaker["name_ar"]) in detail
    if q["via"]:
        via = next(e for e in doc["entities"] if e["id"] == q["via"])
        assert (via["name_en"] or via["name_ar"]) in detail
    events = browser.find_elements(By.CSS_SELECTOR, "#event-list li")
    assert len(events) == len(doc["events"])


def test_uploading_a_file_analyses_it(browser: WebDriver, server: Server, tmp_path: Path) -> None:
    page = tmp_path / "مقال.html"
    page.write_text(
        "<html><body><nav>القائمة</nav><article><p>التقى بوتين بزشكيان في موسكو.</p>"
        "<script>window.__marsadPwned = 9</script></article></body></html>",
        encoding="utf-8",
    )
    browser.get(server.url + "/#/analyze")
    browser.refresh()
    wait_for(browser, lambda: browser.execute_script("return document.body.dataset.ready"), "app")
    browser.find_element(By.ID, "upload").send_keys(str(page))
    browser.find_element(By.ID, "store-it").click()
    browser.find_element(By.ID, "analyze-btn").click()
    article = wait_for(
        browser,
        lambda: (browser.find_elements(By.CSS_SELECTOR, "#analyze-result #article") or [None])[0],
        "the uploaded article",
    )
    assert article.text.strip() == "التقى بوتين بزشكيان في موسكو."
    assert browser.execute_script("return window.__marsadPwned") is None
    assert "W005" in browser.find_element(By.ID, "analyze-result").text
    saved = list(server.uploads.iterdir())
    assert any(p.suffix == ".html" for p in saved)
    assert all(p.parent == server.uploads for p in saved)
    _, docs = server.json("GET", "/documents?limit=1000")
    assert any(d["title"] == "التقى بوتين بزشكيان في موسكو." for d in docs["items"])


def test_markup_in_an_article_is_shown_as_text_and_runs_nothing(
    browser: WebDriver, server: Server
) -> None:
    article = analyze_in_page(browser, server, MARKUP, "2024-10-13")
    time.sleep(0.5)  # give a (failed) image load and its onerror the time to fire
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    assert browser.execute_script("return window.__marsadPwned") is None
    assert browser.execute_script("return arguments[0].textContent", article) == MARKUP
    for tag in ("script", "img", "iframe", "b"):
        assert article.find_elements(By.TAG_NAME, tag) == [], tag
    # the same article stored and read back from the corpus
    status, body = server.json("POST", "/documents", {"text": MARKUP, "id": "markup"})
    assert status == 200
    browser.get(server.url + f"/#/doc/{body['doc']}")
    stored = wait_for(
        browser,
        lambda: (browser.find_elements(By.CSS_SELECTOR, "#doc-result #article") or [None])[0],
        "the stored document view",
    )
    time.sleep(0.5)
    assert browser.execute_script("return arguments[0].textContent", stored) == MARKUP
    assert stored.find_elements(By.TAG_NAME, "img") == []
    assert browser.execute_script("return window.__marsadPwned") is None
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text


def test_entity_page_shows_its_timeline_and_relations(browser: WebDriver, server: Server) -> None:
    for n, day in enumerate(("2024-10-11", "2024-11-20")):
        text = ARTICLE if n == 0 else ARTICLE.replace("موسكو", "طهران")
        status, _ = server.json("POST", "/documents", {"text": text, "published": day})
        assert status == 200
    status, items = server.json("GET", "/entities?q=" + quote("بوتين"))
    key = next(e["id"] for e in items if e["wikidata"] == "Q7747")
    status, timeline = server.json("GET", "/entities/" + quote(key) + "/timeline")
    dated = [i for i in timeline["items"] if i["date"]]
    assert len({i["date"] for i in dated}) >= 2  # the two reports are weeks apart
    browser.get(server.url + "/#/entity/" + quote(key))
    dots = wait_for(
        browser,
        lambda: browser.find_elements(By.CSS_SELECTOR, "#timeline-chart svg circle"),
        "the timeline chart",
    )
    assert len(dots) == len(dated)
    assert {d.get_attribute("data-date") for d in dots} == {i["date"] for i in dated}
    page = browser.find_element(By.ID, "entity-page").text
    assert "Vladimir Putin" in page and "Q7747" in page
    met = browser.find_element(By.CSS_SELECTOR, '.relation-group[data-group="met"]').text
    assert "بزشكيان" in met
    quotes = browser.find_elements(By.CSS_SELECTOR, ".quote-list blockquote")
    assert any("العلاقات مع إيران" in q.text for q in quotes)


def test_event_table_filters_and_csv_link(browser: WebDriver, server: Server) -> None:
    server.json("POST", "/documents", {"text": ARTICLE, "published": "2024-10-11"})
    browser.get(server.url + "/#/events")
    wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#events-table"), "events")
    # the map of event locations: one dot per place the knowledge base has coordinates for
    places = [p for p in server.json("GET", "/locations")[1] if p["lat"] is not None]
    assert places
    dots = wait_for(
        browser,
        lambda: browser.find_elements(By.CSS_SELECTOR, "#events-map svg circle.place"),
        "the map",
    )
    assert {d.get_attribute("data-id") for d in dots} == {p["id"] for p in places}
    browser.find_element(By.CSS_SELECTOR, '#events-type option[value="ASSAULT"]').click()
    browser.find_element(By.CSS_SELECTOR, "#events-form button[type=submit]").click()
    time.sleep(0.3)
    rows = wait_for(
        browser,
        lambda: browser.find_elements(By.CSS_SELECTOR, "#events-table tbody tr"),
        "filtered rows",
    )
    _status, api_rows = server.json("GET", "/events?type=ASSAULT")
    assert len(rows) == len(api_rows) > 0
    assert all("ASSAULT" in r.text for r in rows)
    href = browser.find_element(By.ID, "events-csv").get_attribute("href") or ""
    assert "format=csv" in href and "type=ASSAULT" in href
    code, _, data = server.request("GET", href.removeprefix(server.url))
    assert code == 200
    assert len(list(csv.DictReader(io.StringIO(data.decode("utf-8"))))) == len(api_rows)


def test_corpus_search_with_filters(browser: WebDriver, server: Server) -> None:
    server.json("POST", "/documents", {"text": ARTICLE, "published": "2024-10-11"})
    browser.get(server.url + "/#/search")
    box = wait_for(browser, lambda: browser.find_elements(By.ID, "search-q"), "search form")[0]
    box.send_keys("موسكو")
    browser.find_element(By.CSS_SELECTOR, "#search-form button").click()
    time.sleep(0.3)
    links = wait_for(
        browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#search-results .hits a"), "hits"
    )
    assert links

    def click_first_hit() -> bool:
        hits = browser.find_elements(By.CSS_SELECTOR, "#search-results .hits a")
        if not hits:
            return False
        hits[0].click()
        return True

    wait_for(browser, click_first_hit, "a hit to click")

    def article_text() -> str:
        found = browser.find_elements(By.CSS_SELECTOR, "#doc-result #article")
        return found[0].text if found else ""

    text = wait_for(browser, lambda: "موسكو" in article_text() and article_text(), "the document")
    assert "موسكو" in text
    logs = [
        e
        for e in browser.get_log("browser")
        if e.get("level") == "SEVERE" and "favicon" not in e.get("message", "")
    ]
    assert logs == [] or all("Failed to load resource" in e["message"] for e in logs), json.dumps(
        logs, ensure_ascii=False
    )
