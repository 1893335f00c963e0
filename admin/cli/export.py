"""``xinfang export``: a plan as a 公文 (PDF, Word or OFD), its reception schedule, case cards or
a blank registration form, written to a file; the records are chosen by id, title or unit.

``_unit_named`` finds a unit the way the command line names it, for ``import`` too."""

import sys


class _NotFound(Exception):
    pass


def _export(app, args) -> int:
    from admin import printing

    with app.app_context():
        try:
            data = _export_data(args, printing)
        except _NotFound as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 1
    try:
        with open(args.output, "wb") as out:
            out.write(data)
    except OSError as exc:
        print(f"错误：无法写入 {args.output}：{exc.strerror}", file=sys.stderr)
        return 1
    print(f"已导出：{args.output}（{len(data) // 1024} KB）")
    return 0


def _unit_named(name):
    """A unit by its name or short name, or None."""
    import documents

    return (
        documents.Unit.objects(name=name).first() or documents.Unit.objects(short_name=name).first()
    )


def _export_data(args, printing) -> bytes:
    import bson

    import documents
    import exports

    fonts = printing.font_overrides()
    suffix = args.output.rsplit(".", 1)[-1].lower() if "." in args.output else ""
    fmt = args.format or (suffix if suffix in ("docx", "ofd") else "pdf")
    if fmt != "pdf" and args.what != "plan":
        raise _NotFound("只有公文（plan）可以导出为 Word 或 OFD，其余只导出 PDF")
    unit = None
    if args.unit:
        unit = _unit_named(args.unit)
        if unit is None:
            raise _NotFound(f"没有名为“{args.unit}”的单位")
    bad = [i for i in args.id if not bson.ObjectId.is_valid(i)]
    if bad:
        raise _NotFound(f"记录编号无效：{'、'.join(bad)}")
    if args.what in ("plan", "schedule"):
        plan = _plan_to_export(args, unit)
        if args.what == "plan":
            if fmt == "pdf":
                return printing.plan_pdf(plan, args.style, fonts)
            try:
                return printing.plan_document(plan, fmt, args.style, fonts)
            except exports.EmptyDocument as exc:
                raise _NotFound(str(exc)) from exc
        return printing.schedule_pdf(plan, fonts)
    if args.what == "blank-form":
        if unit is None:
            raise _NotFound("请用 --unit 指定单位")
        return printing.blank_form_pdf(unit, fonts)
    query = documents.CaseCard.objects
    if args.id:
        query = query(pk__in=args.id)
    if unit is not None:
        query = query(unit=unit)
    cards = list(query)
    if not cards:
        raise _NotFound("没有找到一案一卡")
    return printing.cards_pdf(cards, fonts)


def _plan_to_export(args, unit):
    import documents

    query = documents.Plan.objects
    if args.id:
        query = query(pk=args.id[0])
    elif args.title:
        query = query(title__contains=args.title)
    elif unit is not None:
        query = query(unit=unit)
    else:
        raise _NotFound("请用 --id、--title 或 --unit 指定实施方案")
    if unit is not None:
        query = query(unit=unit)
    plan = query.first()
    if plan is None:
        raise _NotFound("没有找到这份实施方案")
    return plan
