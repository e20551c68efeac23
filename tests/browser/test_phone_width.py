"""Every public page type fits a phone (issue 13, item 1): at 360×740 and at 1280×800 the document
is no wider than the viewport (no sideways page scroll; wide tables scroll in their own box). A
screenshot of each page at each width is saved in test-artifacts/ to look at."""

import pytest

from .conftest import ARTIFACTS
from .test_accessibility import NOT_FOUND, PAGE_TYPES, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": (360, 740), "desktop": (1280, 800)}
# The widest elements sticking out of the viewport, named to say what to fix.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && !el.closest('.table-wrap')) {
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' +
               Math.round(box.right) + 'px');
    }
  }
  return out.slice(0, 5);
}"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_public_page_type_is_no_wider_than_the_viewport(seeded, new_page, viewport):
    width, height = VIEWPORTS[viewport]
    page = new_page()
    page.set_viewport_size({"width": width, "height": height})
    folder = ARTIFACTS / "phone-width"
    folder.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    for name, path in {**PAGE_TYPES, **NOT_FOUND}.items():
        page.goto(seeded.url + path)
        # lazy charts load for the full-page screenshot, as they would while scrolling
        page.evaluate(
            "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
        )
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(folder / f"{viewport}-{width}-{name}.png"), full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        inner_width = page.evaluate("window.innerWidth")
        assert inner_width == width
        if scroll_width > inner_width:
            too_wide[name] = (scroll_width, page.evaluate(OVERFLOW))
    assert not too_wide, "\n".join(
        f"{name}: {scroll}px > {width}px — {culprits}"
        for name, (scroll, culprits) in too_wide.items()
    )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_public_page_type_passes_axe_at_this_width(seeded, new_page, viewport):
    width, height = VIEWPORTS[viewport]
    page = new_page()
    page.set_viewport_size({"width": width, "height": height})
    run_axe(page, seeded.url, {**PAGE_TYPES, **NOT_FOUND})
