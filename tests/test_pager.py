"""One pager for every list: paging keeps every filter of the page, and a second list's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_the_next_page_keeps_every_filter_and_the_other_lists_page() -> None:
    request = RequestFactory().get("/cases/", {"state": "accepted", "overdue": "1", "q": "缺工", "dpage": "3"})
    page = Paginator(list(range(100)), 10).get_page(2)
    html = render_to_string("_pager.html", {"page": page}, request=request)
    assert 'href="?state=accepted&amp;overdue=1&amp;q=%E7%BC%BA%E5%B7%A5&amp;dpage=3&amp;page=3"' in html
    assert 'href="?state=accepted&amp;overdue=1&amp;q=%E7%BC%BA%E5%B7%A5&amp;dpage=3&amp;page=1"' in html


def test_a_second_list_pages_by_its_own_parameter_and_keeps_the_first_lists_page() -> None:
    request = RequestFactory().get("/command/figures/x/", {"from": "2022-01-01", "page": "2"})
    page = Paginator(list(range(100)), 10).get_page(1)
    html = render_to_string("_pager.html", {"page": page, "param": "dpage"}, request=request)
    assert 'href="?from=2022-01-01&amp;page=2&amp;dpage=2"' in html


def test_a_single_page_draws_no_pager() -> None:
    page = Paginator([1, 2], 10).get_page(1)
    assert render_to_string("_pager.html", {"page": page}, request=RequestFactory().get("/")).strip() == ""
