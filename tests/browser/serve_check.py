"""Drive `fundledger serve` in headless Chromium through chromedriver (Debian's
python3-selenium), as a finance officer would: follow a drill-down, submit a refused
and an accepted payment, print a page. Prints one JSON object of what it saw; the
Rust test (tests/serve_browser.rs) asserts on it.

usage: serve_check.py BASE_URL OUT_DIR
"""
import base64
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

base, out = sys.argv[1], sys.argv[2]
opts = Options()
opts.binary_location = "/usr/bin/chromium"
for a in [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1300,1800",
]:
    opts.add_argument(a)
opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
seen = {}


def shot(name):
    drv.save_screenshot(f"{out}/{name}.png")


def fill(kind, values):
    """Fill and submit the entry form whose hidden `form` field is `kind`."""
    for d in drv.find_elements(By.CSS_SELECTOR, "details.forms"):
        drv.execute_script("arguments[0].open = true", d)
    form = next(
        f for f in drv.find_elements(By.CSS_SELECTOR, "form.entry")
        if f.find_element(By.NAME, "form").get_attribute("value") == kind
    )
    for name, value in values.items():
        field = form.find_element(By.NAME, name)
        drv.execute_script("arguments[0].value = arguments[1]", field, value)
    form.find_element(By.TAG_NAME, "button").click()
    # Wait for the answer to replace the page: reading the URL or loading another
    # page before that would race the POST.
    WebDriverWait(drv, 30).until(expected_conditions.staleness_of(form))


try:
    drv.get(base + "/?as_of=2021-12-31")
    shot("overview")
    drv.find_element(By.LINK_TEXT, "SC").click()
    shot("fund-SC")
    # The programme total's deal paid-in: the link that names both funds.
    link = next(
        a for a in drv.find_elements(By.TAG_NAME, "a")
        if "kind=deal-pay" in (a.get_attribute("href") or "")
        and "fund=SC&fund=SC-1" in a.get_attribute("href")
    )
    seen["drill_link_text"] = link.text
    link.click()
    shot("drill-down")
    seen["drill_total"] = drv.find_element(By.CSS_SELECTOR, "p.ok strong").text
    seen["drill_rows"] = len(drv.find_elements(By.CSS_SELECTOR, "tbody tr"))

    # A payment beyond C01's commitment (paid in full): refused, shown by the form.
    drv.get(base + "/fund/SC-1?as_of=2021-12-31")
    fill("deal-pay", {"counterparty": "C01", "amount": "100万", "date": "2021-12-31", "by": "浏览器测试"})
    shot("refused")
    seen["refusal"] = drv.find_element(By.CSS_SELECTOR, "p.err").text

    # A payment within C05's commitment (2,485万 committed, 2,000万 paid).
    drv.get(base + "/fund/SC?as_of=2021-12-31")
    fill("deal-pay", {"counterparty": "C05", "amount": "485万", "date": "2021-12-31", "by": "浏览器测试"})
    seen["after_post_url"] = drv.current_url
    drv.get(base + "/journal?fund=SC&fund=SC-1&kind=deal-pay&as_of=2021-12-31")
    seen["after_total"] = drv.find_element(By.CSS_SELECTOR, "p.ok strong").text
    shot("after")

    # The fund page on paper.
    drv.get(base + "/fund/SC?as_of=2021-12-31")
    pdf = drv.print_page()
    with open(f"{out}/fund-SC.pdf", "wb") as f:
        f.write(base64.b64decode(pdf))

    seen["console_errors"] = [
        e["message"] for e in drv.get_log("browser") if e.get("level") == "SEVERE"
    ]
    requests = []
    for e in drv.get_log("performance"):
        m = json.loads(e["message"])["message"]
        if m.get("method") == "Network.requestWillBeSent":
            requests.append(m["params"]["request"]["url"])
    seen["foreign_requests"] = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
finally:
    drv.quit()
print(json.dumps(seen, ensure_ascii=False))
