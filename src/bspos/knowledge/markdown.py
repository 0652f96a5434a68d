"""Articles are Markdown; rendered with raw HTML off, then sanitised (nh3) so nothing can run in a reader's page:
no <script>, no event handlers, no javascript: or data: links."""

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")

TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}, "th": {"style"},
              "td": {"style"}}
# Table columns are aligned by a class, not a style attribute: the Content-Security-Policy refuses inline styles.
_ALIGNED = re.compile(r'style="text-align:(left|center|right)"')
SCHEMES = {"http", "https", "mailto", "tel"}


def render(text: str) -> SafeString:
    """Safe HTML of Markdown `text`."""
    html = _parser.render(text or "")
    html = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                     link_rel="noopener noreferrer nofollow")
    return mark_safe(_ALIGNED.sub(r'class="align-\1"', html))
