"""Articles are Markdown rendered so that nothing in them can run in a reader's browser."""

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from bspos.knowledge.markdown import render


class Tags(HTMLParser):
    """Every real tag and attribute of rendered HTML (escaped text does not count)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def dangerous(html: str) -> list:
    found = []
    for tag, attrs in Tags(html).tags:
        if tag in {"script", "iframe", "object", "embed", "style", "form", "svg"}:
            found.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                found.append(f"{tag} {name}")
            scheme = re.match(r"\s*([a-z][a-z0-9+.-]*):", (value or "").lower())
            if name in {"href", "src"} and scheme and scheme.group(1) not in {"http", "https", "mailto", "tel"}:
                found.append(f"{tag} {name}={value}")
    return found


def test_script_tags_and_javascript_links_render_inert():
    html = render('# Reset\n\n<script>alert("x")</script>\n\n[click](javascript:alert(1)) '
                  '[mixed](JaVaScRiPt:alert(1)) <a href="javascript:alert(1)">raw</a> '
                  '<img src=x onerror="alert(1)"> ![pic](javascript:alert(1)) [data](data:text/html,<b>x</b>)\n\n'
                  '[fine](https://example.com/help)')
    assert dangerous(html) == []
    assert [tag for tag, _ in Tags(html).tags] == ["h1", "p", "p", "p", "a"]  # only the safe link is a link
    assert '<a href="https://example.com/help" rel="noopener noreferrer nofollow">fine</a>' in html
    assert "&lt;script&gt;" in html and "[click](javascript:alert(1))" in html  # visible as the text written


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"' =:/()[]!&#;abcjsrtipvSonel-\n")), max_size=100))
def test_no_input_produces_a_script_a_handler_or_a_javascript_url(text):
    assert dangerous(render(text)) == []
