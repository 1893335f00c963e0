"""A new unit set up in one flow (/admin/setup/), and the JSON the forms ask when a unit is
chosen (its people and plans), so that no form reloads and nothing typed is lost."""

import datetime

import bson
from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user

import documents
from documents import accounts, onboarding, plan_parts, printable
from documents.plan import HOLIDAY_RULES, WEEKDAYS
from documents.unit import DOCUMENT_STYLES, UNIT_KINDS
from exports.numbers import HeadingNumbers

from . import auth

RULE_KINDS = (
    ("weekly", "每周固定一天"),
    ("monthly_nth_weekday", "每月第几个星期几"),
    ("monthly_day", "每月固定日期"),
    ("any_time", "随时接访"),
)


def _unit(unit_id):
    if not unit_id or not bson.ObjectId.is_valid(unit_id):
        return None
    return auth.scoped(documents.Unit, documents.Unit.objects(pk=unit_id)).first()


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _day(name):
    text = (request.form.get(name) or "").strip()
    if not text:
        return None, None
    try:
        return datetime.date.fromisoformat(text), None
    except ValueError:
        return None, gettext("日期“%(text)s”无效，请按 2026-03-01 填写", text=text[:20])


def _int(name, low, high):
    text = (request.form.get(name) or "").strip()
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def preview(plan) -> dict:
    """The circular as the PDF prints it, for a page: numbered headings, generated parts."""
    data = printable.plan(plan)
    numbers = HeadingNumbers()
    sections = []
    for section in data["sections"]:
        sections.append(
            {
                "number": numbers.next(section["level"]) if section["heading"] else "",
                "heading": section["heading"] or "",
                "level": section["level"],
                "paragraphs": _lines(section["text"]),
            }
        )
    data["sections"] = sections
    return data


class SetupView(BaseView):
    """新单位设置: unit, people, account, plan, group, rules, schedule, preview."""

    # the drop-downs' JSON serves every form; the setup itself creates a unit, so it is for an
    # account that sees every unit (one of a unit's own would not see the unit it made)

    def is_accessible(self):
        return auth.can("unit:read")

    def inaccessible_callback(self, name, **kwargs):
        auth.require("unit:read")

    def is_visible(self):
        return self._may_set_up()

    @staticmethod
    def _may_set_up():
        return auth.can("unit:write") and auth.can("plan:write") and auth.allowed_unit_ids() is None

    def _require_set_up(self):
        if not self._may_set_up():
            auth.require("unit:write")
            auth.require("plan:write")
            abort(403)

    @expose("/options/")
    def options(self):
        """The people and plans of one unit, for the drop-downs of a form."""
        unit = _unit(request.args.get("unit"))
        if unit is None:
            abort(404)
        people = documents.Person.objects(unit=unit).only("name", "title", "is_leader")
        plans = documents.Plan.objects(unit=unit).only("title")
        return jsonify(
            people=[
                {
                    "id": str(p.pk),
                    "name": p.name,
                    "title": p.title or "",
                    "leader": bool(p.is_leader),
                }
                for p in people
            ],
            plans=[{"id": str(p.pk), "title": p.title} for p in plans],
        )

    def _page(self, **values):
        import seeds

        roles = list(documents.Role.objects.order_by("key"))
        chosen = {}  # back with a problem: the group as the person chose it
        if request.method == "POST":
            leaders, _ = onboarding.parse_people(request.form.get("leaders"), True)
            staff, _ = onboarding.parse_people(request.form.get("staff"), False)
            for n, person in enumerate([*leaders, *staff]):
                if f"member-{n}" in request.form:
                    chosen[person.name] = request.form.get(f"member-{n}")
        return self.render(
            "admin/xf_setup.html",
            form=request.form,
            templates=list(seeds.plan_templates()),
            kinds=[(kind, kind) for kind in UNIT_KINDS],
            styles=DOCUMENT_STYLES,
            parents_pairs=[
                (str(u.pk), u.name)
                for u in auth.scoped(documents.Unit, documents.Unit.objects.only("name"))
            ],
            roles_pairs=[(r.key, r.name) for r in roles],
            can_accounts=auth.can("accounts:write"),
            rule_kinds=RULE_KINDS,
            weekdays=WEEKDAYS,
            holiday_rules=HOLIDAY_RULES,
            member_roles=documents.group.MEMBER_ROLES,
            duties="\n".join(onboarding.DEFAULT_DUTIES),
            today=datetime.date.today(),
            chosen_roles=chosen,
            **values,
        )

    @expose("/", methods=("GET", "POST"))
    def index(self):
        self._require_set_up()
        if request.method == "GET":
            return self._page()
        if not auth.csrf_ok():
            abort(400)
        problems = []
        try:
            setup = self._read(problems)
        except onboarding.SetupProblem as problem:
            problems += problem.problems
            setup = None
        if not problems:
            try:
                result = onboarding.set_up(setup)
            except onboarding.SetupProblem as problem:
                problems += problem.problems
        if problems:
            for text in problems:
                flash(text, "error")
            return self._page()
        for record, target in (
            (result.unit, "Unit"),
            (result.plan, "Plan"),
            (result.group, "LeadershipGroup"),
            (result.account, "Account"),
        ):
            if record is not None:
                accounts.record(
                    "create",
                    actor=current_user.name,
                    username=current_user.username,
                    target=target,
                    target_id=record.pk,
                    detail=str(record)[:200],
                    address=auth.address(),
                )
        flash(
            gettext(
                "已设置“%(unit)s”：%(people)s 位人员，接访日程 %(days)s 天。",
                unit=result.unit.name,
                people=len(result.people),
                days=result.schedule.get("created", 0),
            ),
            "success",
        )
        return redirect(url_for(".done", plan=result.plan.pk))

    def _read(self, problems) -> onboarding.Setup:
        from documents import importer

        form = request.form
        unit = {
            "name": (form.get("unit-name") or "").strip(),
            "short_name": (form.get("unit-short_name") or "").strip() or None,
            "kind": form.get("unit-kind") if form.get("unit-kind") in UNIT_KINDS else "其他",
            "self_reference": (form.get("unit-self_reference") or "").strip() or None,
            "issuer_marks": _lines(form.get("unit-issuer_marks")),
            "doc_code": (form.get("unit-doc_code") or "").strip() or None,
            "document_style": form.get("unit-document_style")
            if form.get("unit-document_style") in dict(DOCUMENT_STYLES)
            else "2012",
            "superiors": _lines(form.get("unit-superiors")),
            "case_categories": _lines(form.get("unit-case_categories")),
            "address": (form.get("unit-address") or "").strip() or None,
            "phone": (form.get("unit-phone") or "").strip() or None,
            "parent": _unit(form.get("unit-parent")),
        }
        leaders, found = onboarding.parse_people(form.get("leaders"), True)
        problems += [gettext("领导名单：%(p)s", p=p) for p in found]
        staff, found = onboarding.parse_people(form.get("staff"), False)
        problems += [gettext("工作人员名单：%(p)s", p=p) for p in found]
        everyone = [*leaders, *staff]

        account = None
        if auth.can("accounts:write") and (form.get("account-username") or "").strip():
            role = documents.Role.objects(key=form.get("account-role") or "").first()
            if role is None:
                problems.append(gettext("请选择账号的角色"))
            account = {
                "username": form.get("account-username").strip(),
                "name": (form.get("account-name") or "").strip(),
                "password": form.get("account-password") or "",
                "role": role,
                "person": (form.get("account-name") or "").strip(),
            }

        source, imported = None, None
        choice = form.get("plan-template") or ""
        upload = request.files.get("plan-file")
        pasted = form.get("plan-text") or ""
        if choice == "import":
            try:
                text = pasted
                if upload is not None and upload.filename:
                    text = importer.read_upload(upload.filename, upload.read())
                importer.check_text(text)
                parts = importer.split_documents(text)
                imported = importer.import_text(parts[0][1])
            except importer.ImportProblem as problem:
                problems.append(gettext("导入方案：%(p)s", p=str(problem)))
        else:
            import seeds

            templates = seeds.plan_templates()
            source = templates.get(choice)
            if source is None:
                problems.append(gettext("请选择方案模板"))

        period_start, problem = _day("plan-period_start")
        problems += [problem] if problem else []
        period_end, problem = _day("plan-period_end")
        problems += [problem] if problem else []

        roles = {}
        chosen_any = False
        for n, person in enumerate(everyone):
            role = form.get(f"member-{n}")
            if role is not None:
                chosen_any = True
            if role in documents.group.MEMBER_ROLES:
                roles[person.name] = role
        if not chosen_any:  # the page without its script: the usual group
            roles = onboarding.default_roles(everyone)
        group = {
            "name": (form.get("group-name") or "").strip(),
            "roles": roles,
            "office_director": (form.get("group-office_director") or "").strip(),
            "office_director_title": (form.get("group-office_director_title") or "").strip(),
            "office_duties": _lines(form.get("group-office_duties")),
        }

        rule = None
        kind = form.get("rule-kind") or ""
        if kind in dict(RULE_KINDS):
            rule = {
                "kind": kind,
                "leaders": [name for name in form.getlist("rule-leaders") if name],
                "weekday": _int("rule-weekday", 0, 6),
                "nth": _int("rule-nth", 1, 4),
                "day_of_month": _int("rule-day_of_month", 1, 28),
                "hours": (form.get("rule-hours") or "").strip() or None,
                "place": (form.get("rule-place") or "").strip() or None,
                "accompany": (form.get("rule-accompany") or "").strip() or None,
                "holiday_rule": form.get("rule-holiday_rule")
                if form.get("rule-holiday_rule") in dict(HOLIDAY_RULES)
                else "next_working_day",
            }
            if not rule["leaders"] and kind != "any_time":
                rule["leaders"] = [p.name for p in leaders[:1]]
            from documents.schedule import rule_problems

            problems += [
                p.split("：", 1)[-1] for p in rule_problems(documents.ReceptionArrangement(**rule))
            ]
        return onboarding.Setup(
            unit=unit,
            leaders=leaders,
            staff=staff,
            account=account,
            plan_source=source,
            imported=imported,
            plan_title=(form.get("plan-title") or "").strip()[:200],
            period_start=period_start,
            period_end=period_end,
            group=group,
            rule=rule,
            generate=form.get("generate") == "on",
        )

    @expose("/done/")
    def done(self):
        self._require_set_up()
        plan_id = request.args.get("plan", "")
        plan = (
            auth.scoped(documents.Plan, documents.Plan.objects(pk=plan_id)).first()
            if bson.ObjectId.is_valid(plan_id)
            else None
        )
        if plan is None:
            abort(404)
        group = plan_parts.group_of(plan)
        sessions = documents.ReceptionSession.objects(plan=plan).order_by("date")
        return self.render(
            "admin/xf_setup_done.html",
            plan=plan,
            unit=plan.unit,
            group=group,
            people=documents.Person.objects(unit=plan.unit),
            sessions=list(sessions[:12]),
            session_count=sessions.count(),
            account=documents.Account.objects(unit=plan.unit).first(),
            circular=preview(plan),
        )
