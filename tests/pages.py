"""Reading pages as a student's browser would: elements by tag, class and attribute, the
pose cards of a list, and the SQL queries a request costs."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.db import connection
from django.test.utils import CaptureQueriesContext


def counted_get(client, url, status=200):
    """GET `url` with `client`; the number of SQL queries the request made, and the response
    (which must have `status`)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, url
    return len(queries), response


def queries_for(client, url):
    """The number of SQL queries a GET of `url` costs (answered 200)."""
    count, _ = counted_get(client, url)
    return count


@dataclass
class PageElement:
    tag: str
    attributes: dict
    pieces: list = field(default_factory=list)
    descendants: list = field(default_factory=list)

    @property
    def text(self):
        """The text inside the element, whitespace collapsed, entities decoded."""
        return " ".join("".join(self.pieces).split())


class _PageElements(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.open = [], []

    def handle_starttag(self, tag, attrs):
        element = PageElement(tag, dict(attrs))
        self.elements.append(element)
        for ancestor in self.open:
            ancestor.descendants.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in reversed(range(len(self.open))):
            if self.open[index].tag == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for element in self.open:
            element.pieces.append(data)


def page_elements(page, tag, class_=None, **attributes):
    """The elements with this tag, CSS class and attributes (aria_label=… for aria-label=…),
    in page order, of a response or inside an element found before."""
    if isinstance(page, PageElement):
        elements = page.descendants
    else:
        parser = _PageElements()
        parser.feed(page.content.decode())
        parser.close()
        elements = parser.elements
    wanted = {name.replace("_", "-"): value for name, value in attributes.items()}
    return [
        element
        for element in elements
        if element.tag == tag
        and (class_ is None or class_ in element.attributes.get("class", "").split())
        and all(element.attributes.get(name) == value for name, value in wanted.items())
    ]


def card_names(response):
    """The Sanskrit names on the page's pose cards, in order."""
    return [element.text for element in page_elements(response, "span", class_="pose-card__name")]


def result_count(response):
    """The number of poses the pose list says it found (“12 poses found.”)."""
    (status,) = page_elements(response, "p", role="status")
    return int(status.text.split()[0])
