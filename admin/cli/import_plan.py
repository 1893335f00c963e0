"""``xinfang import``: a plan read from a Word document or a text file, shown as recognised
(or as JSON, with the reception dates its rules give) and with ``--save`` saved, as the
panel's review page does; the rules that cannot be saved yet are held back and named."""

import sys

from .export import _unit_named


def _import(app, args) -> int:
    """Shows what a file holds; ``--save`` saves it (the panel's review page does the same)."""
    import mongoengine

    from documents import importer

    try:
        with open(args.file, "rb") as source:
            data = source.read(importer.MAX_BYTES + 1)
    except OSError as exc:
        print(f"错误：无法读取 {args.file}：{exc.strerror}", file=sys.stderr)
        return 1
    with app.app_context():
        unit = _unit_named(args.unit)
        if unit is None:
            print(f"错误：没有名为“{args.unit}”的单位", file=sys.stderr)
            return 1
        try:
            parts = importer.split_documents(importer.read_upload(args.file, data))
            if len(parts) > 1 and args.part is None:
                names = "；".join(f"{n}. {name}" for n, (name, _) in enumerate(parts, start=1))
                raise importer.ImportProblem(
                    f"文件中有 {len(parts)} 篇（{names}），请用 --part 指定"
                )
            if args.part is not None and not 1 <= args.part <= len(parts):
                raise importer.ImportProblem(f"--part 应在 1 到 {len(parts)} 之间")
            result = importer.import_text(parts[(args.part or 1) - 1][1], year=args.year)
        except importer.ImportProblem as problem:
            print(f"错误：{problem}", file=sys.stderr)
            return 1
        plan = result.plan(unit)
        if args.json:
            print(_import_json(result, plan, unit, args.date_from, args.date_to))
            if not args.save:
                return 0
        else:
            _print_import(result, plan)
        if not args.save:
            print(
                "（未保存：核对无误后加 --save 保存，"
                "或在管理面板“实施方案 → 从 Word 或文字导入”中核对）"
            )
            return 0
        to_fill = _hold_back_incomplete_rules(plan)
        if not result.title:  # saved under a placeholder, which the clerk is told to replace
            to_fill.insert(0, "待补充：标题（未识别出标题，已暂存为“（未识别出标题）”）")
        try:
            plan.save()
        except mongoengine.ValidationError as problem:
            print(f"错误：未保存，{problem}", file=sys.stderr)
            return 1
        group, people = result.leadership_group(unit)
        if group is not None:
            importer.save_group(group, people, plan)
        print(
            f"已保存：{plan.title}（编号 {plan.pk}）"
            + (f"，领导小组 {len(group.members)} 人" if group is not None else "")
        )
        for line in to_fill:
            print(line)
    return 0


def _hold_back_incomplete_rules(plan) -> list[str]:
    """Takes out of ``plan`` the reception rules that cannot be saved yet (no leader named, …):
    the rest is saved, and the clerk is told, in Chinese, what to fill in. The rule's words stay
    in the plan's text."""
    from documents import schedule

    kept, lines = [], []
    for number, rule in enumerate(plan.receptions, start=1):
        problems = schedule.rule_problems(rule, number)
        if problems:
            words = rule.description or rule.get_kind_display()
            lines.append(
                f"待补充：{'；'.join(problems)}（原文：{words}）。这条接访安排未保存，"
                "原文仍在正文中；请在“实施方案 → 编辑 → 接访安排”中补上后再排日程。"
            )
        else:
            kept.append(rule)
    plan.receptions = kept
    return lines


def _import_json(result, plan, unit, start=None, end=None) -> str:
    """What was recognised, as the documents store it: the plan and the group, the lines with
    the role each was read in, the warnings, and with ``start``/``end`` the reception dates."""
    import json

    from documents import schedule

    group, _ = result.leadership_group(unit)
    plan_data = plan.to_mongo().to_dict()
    plan_data.pop("unit", None)
    group_data = None
    if group is not None:
        group_data = group.to_mongo().to_dict()
        group_data.pop("unit", None)
        for member in group_data.get("members", []):
            member.pop("person", None)
    data = {
        "plan": plan_data,
        "group": group_data,
        "lines": [
            {"number": x.number, "text": x.text, "role": x.role, "parts": x.parts}
            for x in result.lines
        ],
        "warnings": list(result.warnings),
    }
    if start or end:
        data["receptions"], data["schedule_problems"] = _dates_of(plan, start, end, schedule)
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


def _dates_of(plan, start, end, schedule):
    """The dates each rule gives between ``start`` and ``end`` (who receives is left to the
    clerk when the plan does not say: the dates do not depend on it)."""
    dates, problems = [], []
    for number, rule in enumerate(plan.receptions, start=1):
        if rule.kind == "any_time":
            continue
        copy = type(rule)(**{k: rule[k] for k in rule._fields if rule[k] is not None})
        copy.leaders = list(rule.leaders) or ["（未写接访领导）"]
        trial = type(plan)(
            unit=plan.unit,
            title=plan.title,
            period_start=plan.period_start,
            period_end=plan.period_end,
            receptions=[copy],
        )
        try:
            slots = schedule.generate(trial, start, end)
        except (schedule.ScheduleError, schedule.CalendarDataMissing) as problem:
            problems.append(f"第{number}条接访安排：{problem}")
            continue
        dates += [
            {
                "rule": number,
                "date": s.date.isoformat(),
                "leader": s.leader,
                "moved_from": s.moved_from.isoformat() if s.moved_from else None,
            }
            for s in slots
        ]
    return dates, problems


def _print_import(result, plan):
    print(f"标题：{plan.title}（{plan.kind}）")
    for label, value in (
        ("发文字号", plan.doc_number),
        ("发文机关", "、".join(plan.issuer_marks)),
        ("主送机关", plan.main_recipients),
        ("成文日期", plan.date_written),
        ("署名", "、".join(plan.signatories)),
        ("主题词", " ".join(plan.subject_terms)),
    ):
        if value:
            print(f"{label}：{value}")
    print(
        f"章节 {len(plan.sections)} 个，原则 {len(plan.principles)} 条，"
        f"阶段 {len(plan.phases)} 个，接访安排 {len(plan.receptions)} 条，"
        f"办理程序 {len(plan.procedure)} 步，"
        f"报送要求 {len(plan.reporting_duties)} 项，"
        f"附件 {len(plan.attachments)} 个"
    )
    members = result.group.get("members") or []
    if members:
        print("领导小组：" + "；".join(f"{role}{name}" for role, name, _ in members))
    for warning in result.warnings:
        print(f"提示：{warning}")
