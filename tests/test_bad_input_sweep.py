"""The bad-input sweep: every GET endpoint of the app, every query parameter it reads, hostile
values for each (dates, months, pages, ids, sorts, searches, anything else), every list filter,
and hostile JSON posted to every JSON field of a form: no response is a 500.

Nothing here lists the endpoints or their parameters by hand. The endpoints come from
``app.url_map``. The parameters an endpoint reads are recorded while it answers (the request's
``args`` note every key asked for), starting from a plain request and adding sample values
(a record's id, a plan with a schedule) until the endpoint reads nothing new. The code is read
too: every ``request.args.get("…")`` and ``request.values.get("…")`` of ``admin/`` must have
been asked for by some endpoint of the walk, so a new parameter cannot be left out unnoticed.

It runs on the embedded store with the sample data, signed in as an administrator, in well
under a minute (about 2,000 requests)."""

import json
import logging
import pathlib
import re

import mongoengine
import pytest
from werkzeug.datastructures import ImmutableMultiDict

import documents
import seeds
from admin.forms import JSONObjectField

from .conftest import _make_app, request_as_tester

ADMIN = pathlib.Path(__file__).parent.parent / "admin"

# --- hostile values, by the kind of parameter ---------------------------------------------------

LONG, NUL = "x" * 5000, "\x00"
MISSING_ID = "0123456789abcdef01234567"  # an ObjectId no record has
DATES = ["0001-01-01", "9999-12-31", "2026-02-30", LONG, NUL]
MONTHS = ["9999-12", "0001-01", "2026-13", LONG, NUL]
PAGES = ["-1", "99999999999999999999", "abc"]
IDS = ["nonsense", MISSING_ID, NUL, LONG]
SORTS = ["999", "-5", "99999999999999999999", "abc"]
SEARCHES = [
    "(",
    "[a-",
    "*",
    "a|b)",
    "\\",
    "(?i",
    "((a+)+)+$",
    "$where",
    "%00",
    "\x00",
    "\x07\x1b",
    "\u202e",
    LONG,
]
OTHERS = [LONG, NUL, "-1", "99999999999999999999", "../../etc/passwd", "<script>"]

KINDS = {
    "start": DATES,
    "end": DATES,
    "month": MONTHS,
    "page": PAGES,
    "page_size": PAGES,
    "offset": PAGES,
    "limit": PAGES,
    "id": IDS,
    "unit": IDS,
    "plan": IDS,
    "report_id": IDS,
    "unit_id": IDS,
    "sort": SORTS,
    "desc": SORTS,
    "search": SEARCHES,
    "query": SEARCHES,
}


def hostile(name):
    return KINDS.get(name, OTHERS)


JSON_VALUES = [
    "[" * 5000 + "]" * 5000,
    '{"a": ' + "[" * 5000 + "]" * 5000 + "}",
    '{"a": ' + '{"b": ' * 30 + "1" + "}" * 30 + "}",
    '{"a": ' + "9" * 5000 + "}",
    '{"a": 9223372036854775808}',
    '{"a": -9223372036854775809}',
    '{"a": 1e999}',
    '{"a": NaN}',
    '{"a": Infinity}',
    '{"a": -Infinity}',
    '{"$where": "1"}',
    '{"a": {"$gt": 1}}',
    '{"a.b": 1}',
    '{"a": [{"b.c": 1}]}',
    '{"\\u0000": 1}',
    '{"a": {"b\\u0000c": 1}}',
    '{"a": "\\u0000"}',
    '{"a": "\\ud800"}',
    '{"\\ud800": 1}',
    "[]",
    "null",
    '"text"',
    "1",
    "{",
    '{"a": }',
    "",
    " ",
    "\x00",
    '{"a": 1, "a": 2}',
    json.dumps({"a": "x" * 100000}),
    json.dumps({f"k{n}": n for n in range(5000)}),
]


# --- recording what an endpoint reads -----------------------------------------------------------

READ: set[str] = set()


class RecordingArgs(ImmutableMultiDict):
    """A request's parameters, noting every key asked for."""

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)

    def getlist(self, key, type=None):
        READ.add(key)
        return super().getlist(key, type)


class Logged(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.last = ""

    def emit(self, record):
        self.last = record.getMessage()[:120]
        if record.exc_info:
            self.last += f" — {record.exc_info[0].__name__}: {record.exc_info[1]}"[:300]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    # the embedded store, as the panel runs by default (its queries are its own, not mongomock's)
    app = _make_app({"DATA_DIR": str(tmp_path_factory.mktemp("sweep") / "data")})
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 answers as it would when served
    app.request_class = type(
        "RecordingRequest", (app.request_class,), {"parameter_storage_class": RecordingArgs}
    )
    with app.app_context():
        seeds.load()
    logged = Logged()
    app.logger.addHandler(logged)
    yield {"app": app, "client": app.test_client(), "logged": logged, **_samples(app)}
    app.logger.removeHandler(logged)
    mongoengine.disconnect_all()


def _samples(app):
    from documents import reports, schedule

    # the unit with the most cards (and its own fields), a plan with a schedule, a report
    unit = max(documents.Unit.objects, key=lambda u: documents.CaseCard.objects(unit=u).count())
    plans = [p for p in documents.Plan.objects if p.receptions and p.period_start]
    plan = next((p for p in plans if p.unit == unit), plans[0])
    schedule.regenerate(plan)
    duty_plan = next(p for p in documents.Plan.objects if p.reporting_duties and p.period_start)
    start = duty_plan.period_start
    found = reports.periods(
        duty_plan.reporting_duties[0], duty_plan, start, start.replace(year=start.year + 1)
    )
    report = reports.draft(duty_plan, duty_plan.reporting_duties[0], found[0]).save()
    documents.CaseCard.objects(unit=unit).order_by("-id").first().archive()
    session = documents.ReceptionSession.objects(plan=plan).first()
    return {"plan": plan, "report": report, "unit": unit, "session": session}


def _view(app, endpoint):
    function = app.view_functions[endpoint]
    return getattr(function, "__self__", None) or getattr(
        getattr(function, "__wrapped__", None), "__self__", None
    )


def _sample_record(world, endpoint):
    view = _view(world["app"], endpoint)
    model = getattr(view, "model", None)
    if model is None:
        return None
    query = model.objects
    if "unit" in model._fields:  # ?unit= goes with it: a record of that unit
        query = query(unit=world["unit"])
    if endpoint.startswith("archivedcasecard."):
        query = query(archived=True)
    elif model is documents.CaseCard:
        query = query(archived__ne=True)
    return query.first()


def _sample_value(world, endpoint, name):
    """A good value of a parameter, so that the endpoint goes on to read the next one."""
    if name == "id":
        record = _sample_record(world, endpoint)
        return str(record.pk) if record is not None else None
    if name in ("unit", "unit_id"):
        return str(world["unit"].pk)
    if name == "plan":
        return str(world["plan"].pk)
    if name == "report_id":
        return str(world["report"].pk)
    if name == "month":
        return f"{world['plan'].period_start:%Y-%m}"
    if name == "leader":
        return world["session"].leader
    if name == "export_type":
        return "csv"
    return None


def _get(world, path, args):
    READ.clear()
    response = world["client"].get(path, query_string=args)
    response.get_data()  # a streamed export runs to its end, within the request
    response.close()
    return response, set(READ)


def _endpoints(app):
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.endpoint.endswith("static")
        ),
        key=lambda rule: rule.rule,
    )


def _base(world, rule):
    """The endpoint's path with sample values, the sample arguments it takes, and every
    parameter it read on the way."""
    path_args = {name: _sample_value(world, rule.endpoint, name) for name in rule.arguments}
    path = rule.build(path_args, append_unknown=False)[1]
    args, read = {}, set()
    for _ in range(4):  # until the endpoint reads nothing new that has a sample value
        _, seen = _get(world, path, args)
        read |= seen
        more = {n: v for n in seen - set(args) if (v := _sample_value(world, rule.endpoint, n))}
        if not more:
            break
        args.update(more)
    return path_args, args, read


# --- the sweep ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def walk(world):
    """Per endpoint: its rule, path arguments, base arguments and the parameters it reads."""
    return [(rule, *_base(world, rule)) for rule in _endpoints(world["app"])]


def _problem(world, response, what):
    if response.status_code >= 500:
        return f"{what}: {response.status_code} {world['logged'].last}"
    for cookie in response.headers.getlist("Set-Cookie"):
        if len(cookie) > 4093:  # a browser drops it: the session (and its messages) is lost
            return f"{what}: a cookie of {len(cookie)} bytes"
    return None


def test_no_hostile_query_parameter_is_a_500(world, walk):
    everywhere = set.intersection(*(read for *_, read in walk))  # the locale's ?lang=
    problems, asked = [], 0
    for number, (rule, path_args, args, read) in enumerate(walk):
        path = rule.build(path_args, append_unknown=False)[1]
        names = read - everywhere if number else read
        for name in sorted(names):
            for value in hostile(name):
                response, _ = _get(world, path, {**args, name: value})
                asked += 1
                if problem := _problem(world, response, f"{path}?{name}={value[:30]!r}"):
                    problems.append(problem)
        for name in rule.arguments:  # the path's own parts: /reports/<report_id>/
            for value in hostile(name):
                if "/" in value or value in (NUL,):
                    continue  # not one path segment
                bad = rule.build({**path_args, name: value}, append_unknown=False)[1]
                response, _ = _get(world, bad, args)
                asked += 1
                if problem := _problem(world, response, f"{rule.rule} {name}={value[:30]!r}"):
                    problems.append(problem)
    assert asked > 500
    assert problems == [], "\n".join(problems)


def _parameters_in_code():
    """Every parameter ``admin/`` (its code and templates) reads by name from the query
    string."""
    pattern = re.compile(r"request\.(?:args|values)(?:\.get|\.getlist)?[(\[]\s*[\"'](\w+)[\"']")
    names = set()
    for path in [*ADMIN.rglob("*.py"), *ADMIN.rglob("*.html")]:
        names |= set(pattern.findall(path.read_text()))
    return names | {"page", "page_size", "sort", "desc", "search"}  # Flask-Admin's lists


def test_the_sweep_asks_every_parameter_the_code_reads(walk):
    """A parameter the code reads that no endpoint of the walk asked for would escape the
    sweep: give the walk a sample value (``_sample_value``) that leads to it."""
    read = set().union(*(read for *_, read in walk))
    in_code = _parameters_in_code()
    assert {"start", "end", "month", "page", "id", "unit", "plan"} <= in_code
    posted = {"next"}  # read by a successful login (a POST), where it goes after
    assert in_code - posted - read == set()


def _list_views(world):
    app = world["app"]
    for rule in _endpoints(app):
        if rule.endpoint.endswith(".index_view") and hasattr(_view(app, rule.endpoint), "model"):
            yield rule, _view(app, rule.endpoint)


def _filter_values(flt):
    name = type(flt).__name__.lower()
    if "date" in name:
        between = ["0001-01-01 to 9999-12-31", "9999-12-31 to 0001-01-01", "a to b"]
        return [*DATES, *between] if "between" in name else DATES
    return ["99999999999999999999", "-1", LONG, NUL, "(", "a,b,,", "1,99999999999999999999"]


def test_no_hostile_list_filter_is_a_500(world):
    problems, asked = [], 0
    unit = str(world["unit"].pk)
    for rule, view in _list_views(world):
        with request_as_tester(world["app"], f"{rule.rule}?unit={unit}"):
            filters = dict(view._filter_args or {})
        for arg, (_, flt) in filters.items():
            for value in _filter_values(flt):
                response, _ = _get(world, rule.rule, {"unit": unit, f"flt0_{arg}": value})
                asked += 1
                if problem := _problem(world, response, f"{rule.rule}?flt0_{arg}={value[:30]!r}"):
                    problems.append(problem)
    assert asked > 200
    assert problems == [], "\n".join(problems)


def _json_forms(world):
    """(list URL, the view's create form) of every view whose form has a JSON field."""
    for rule, view in _list_views(world):
        if not view.allow_create:
            continue
        with request_as_tester(world["app"], f"{rule.rule}new/"):
            form = view.create_form()
            names = [f.name for f in form if isinstance(f, JSONObjectField)]
            if names:
                yield rule.rule, _minimal_data(form), names


def _minimal_data(form):
    """Form data that passes the form's other fields: a value for each required one."""
    from wtforms import fields

    data = {}
    for field in form:
        if not field.flags.required or isinstance(field, JSONObjectField):
            continue
        if isinstance(field, fields.SelectField) or hasattr(field, "iter_choices"):
            choices = [c[0] for c in field.iter_choices() if c[0] not in ("", "__None", None)]
            data[field.name] = str(choices[0]) if choices else ""
        elif isinstance(field, fields.DateField):
            data[field.name] = "2024-01-01"
        elif isinstance(field, fields.IntegerField | fields.DecimalField | fields.FloatField):
            data[field.name] = "1"
        else:
            data[field.name] = "扫描"
    return data


def test_no_hostile_json_is_a_500(world):
    problems, asked, saved = [], 0, 0
    forms = list(_json_forms(world))
    assert {url for url, *_ in forms} >= {"/admin/unit/", "/admin/person/"}
    for number, (url, data, names) in enumerate(forms):
        for name in names:
            for index, value in enumerate(JSON_VALUES):
                unique = {k: f"{v}{number}-{index}" if v == "扫描" else v for k, v in data.items()}
                response = world["client"].post(f"{url}new/", data={**unique, name: value})
                asked += 1
                if problem := _problem(world, response, f"POST {url}new/ {name}={value[:40]!r}"):
                    problems.append(problem)
                elif response.status_code == 200 and "Failed" in response.get_data(as_text=True):
                    problems.append(f"POST {url}new/ {name}={value[:40]!r}: English message")
                saved += response.status_code == 302
    assert asked >= 2 * len(JSON_VALUES)
    assert saved >= 2 * 3, "the JSON that may be stored was: the forms' other fields passed"
    assert problems == [], "\n".join(problems)
