"""The page frame's tags: one page header for every page.

{% load shell %}
{% pageheader _("Cases") pretitle=_("problem → action → verified") %}
  <a class="btn" href="…">…</a>      (the page's actions, drawn on the right)
{% endpageheader %}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader import render_to_string

register = template.Library()


class PageHeaderNode(template.Node):
    def __init__(self, title: FilterExpression, pretitle: FilterExpression | None, actions: NodeList) -> None:
        self.title = title
        self.pretitle = pretitle
        self.actions = actions

    def render(self, context: Context) -> str:
        values: dict[str, Any] = {
            "title": self.title.resolve(context),
            "pretitle": self.pretitle.resolve(context) if self.pretitle is not None else "",
            "actions": self.actions.render(context).strip(),
        }
        return render_to_string("_page_header.html", values)


@register.tag
def pageheader(parser: Parser, token: Token) -> PageHeaderNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("pageheader needs a title")
    title = parser.compile_filter(bits[0])
    pretitle = None
    for bit in bits[1:]:
        name, _eq, value = bit.partition("=")
        if name != "pretitle" or not value:
            raise template.TemplateSyntaxError(f"pageheader: unknown argument {bit!r}")
        pretitle = parser.compile_filter(value)
    actions = parser.parse(("endpageheader",))
    parser.delete_first_token()
    return PageHeaderNode(title, pretitle, actions)


@register.simple_tag(takes_context=True)
def page_url(context: Any, number: int, param: str = "page") -> str:
    """The address of another page of a list: the request's query (every filter, and any other
    list's page on the same screen) with this list's page number replaced."""
    query = context["request"].GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"
