"""WeasyPrint with the product's templates and fonts, fetching nothing from anywhere else."""

import functools
import pathlib
import re
import urllib.parse

import jinja2

TEMPLATES = pathlib.Path(__file__).parent / "templates"

environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html"], default_for_string=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class FetchRefused(Exception):
    """A document asked for a resource outside the product's own templates."""


def url_fetcher(url, *args, **kwargs):
    """Serve only files under the templates folder; refuse anything else (file:, http:, …)."""
    import weasyprint

    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        path = pathlib.Path(urllib.parse.unquote(parsed.path)).resolve()
        if path.is_relative_to(TEMPLATES.resolve()) and path.is_file():
            return weasyprint.default_url_fetcher(url, *args, **kwargs)
    raise FetchRefused(f"refused to fetch {url}")


@functools.cache
def _product_html():
    """weasyprint.HTML laid out with the product's own small user-agent stylesheet
    (``ua.css``). WeasyPrint is imported on the first document, not when the panel starts
    (its import is most of a cold start)."""
    import weasyprint

    class ProductHTML(weasyprint.HTML):
        _stylesheet = None

        def _ua_stylesheets(self, forms=False):
            if ProductHTML._stylesheet is None:
                ProductHTML._stylesheet = weasyprint.CSS(filename=str(TEMPLATES / "ua.css"))
            return [ProductHTML._stylesheet]

    return ProductHTML


def render_pdf(template: str, context: dict, stylesheet: str = ""):
    """Lay out a template (a weasyprint.Document); the caller writes the PDF
    (``document.write_pdf()``)."""
    # Whitespace between tags is layout noise; inside a footnote (the 版记) WeasyPrint even lays it
    # out as empty lines. The templates put no meaningful space between tags, and user text
    # cannot hold a bare ">" (it is escaped), so this only touches the markup.
    html = re.sub(r">\s+<", "><", environment.get_template(template).render(**context))
    import weasyprint

    document = _product_html()(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=url_fetcher)
    return document.render(stylesheets=[weasyprint.CSS(string=stylesheet)] if stylesheet else None)
