"""The `xinfang` command: serve the panel, load the sample data, check the installation."""

import argparse
import ctypes.util
import datetime
import os
import sys

import admin  # the app factory, looked up when called (tests replace it)
from documents.store import StoreError


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="xinfang", description="领导干部大接访工作平台")
    parser.add_argument("--data-dir", help="内置存储的数据目录（默认 ./data）")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")

    serve = commands.add_parser("serve", help="启动管理面板（内置存储为空时载入示例数据）")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="gunicorn 进程数（默认 1；内置存储多进程的代价见 README）",
    )
    serve.add_argument("--threads", type=int, default=8, help="每个进程的线程数（默认 8）")
    serve.add_argument(
        "--dev", action="store_true", help="用 Flask 的开发服务器（仅供调试，不用于实际使用）"
    )
    serve.add_argument("--no-seed", action="store_true", help="空库时不载入示例数据和示例账号")

    commands.add_parser("seed", help="载入五个来源单位的示例数据（可重复运行）")

    export = commands.add_parser(
        "export", help="把实施方案、一案一卡等导出为 PDF（公文也可导出为 Word、OFD）"
    )
    export.add_argument(
        "what",
        choices=("plan", "schedule", "cards", "blank-form"),
        help="plan 公文；schedule 接访日程安排表；cards 一案一卡；blank-form 空白登记表",
    )
    export.add_argument("-o", "--output", required=True, help="输出的文件")
    export.add_argument(
        "--format",
        choices=("pdf", "docx", "ofd"),
        help="公文的格式：pdf、docx（Word，可编辑）或 ofd；默认按输出文件的扩展名，否则 pdf",
    )
    export.add_argument("--id", action="append", default=[], help="记录编号（可重复）")
    export.add_argument("--title", help="按标题查找实施方案")
    export.add_argument("--unit", help="单位名称")
    export.add_argument("--style", choices=("2012", "1999"), help="公文格式（默认按单位设置）")
    check = commands.add_parser("check", help="检查存储、记录数、期限、列表索引、字体和系统库")
    check.add_argument("--fix", action="store_true", help="重新计算过期的期限、修复列表索引")

    imports = commands.add_parser("import", help="从 Word 文档（.docx）或文本文件导入实施方案")
    imports.add_argument("file", help=".docx 或 .txt 文件")
    imports.add_argument("--unit", required=True, help="导入到哪个单位（名称或简称）")
    imports.add_argument("--part", type=int, help="文件中有多篇时，导入第几篇（从 1 开始）")
    imports.add_argument(
        "--save", action="store_true", help="保存（不加时只显示识别结果，不保存任何内容）"
    )
    imports.add_argument("--json", action="store_true", help="以 JSON 输出识别结果")
    imports.add_argument(
        "--from", dest="date_from", type=datetime.date.fromisoformat, help="列出接访日期的起始日"
    )
    imports.add_argument(
        "--to", dest="date_to", type=datetime.date.fromisoformat, help="列出接访日期的截止日"
    )

    create_admin = commands.add_parser("create-admin", help="新建系统管理员账号")
    create_admin.add_argument("--username", required=True, help="用户名")
    create_admin.add_argument("--name", default="系统管理员", help="姓名")
    create_admin.add_argument(
        "--password", help="密码（不给则提示输入，也可用环境变量 XINFANG_ADMIN_PASSWORD）"
    )

    args = parser.parse_args(argv)
    if args.data_dir:
        os.environ["XINFANG_DATA_DIR"] = os.path.abspath(args.data_dir)
    from documents import audit

    audit.set_actor("命令行")
    try:
        app = admin.create_app()
    except StoreError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    commands_by_name = {
        "serve": _serve,
        "seed": _seed,
        "check": _check,
        "export": _export,
        "create-admin": _create_admin,
        "import": _import,
    }
    return commands_by_name[args.command](app, args)


def _seed(app, args) -> int:
    print(admin.load_samples(app))
    return 0


def _serve(app, args) -> int:
    import documents
    import seeds

    info = app.extensions["xinfang_store"]
    if documents.Unit.objects.count() == 0 and not args.no_seed:
        if info.kind == "mongodb":  # a server is for real use: no sample data, no demo account
            print(
                "数据库为空。使用 MongoDB 时不自动载入示例数据和示例账号"
                "（需要时运行 xinfang seed）。"
            )
        else:
            seeds.load()
            print("数据库为空，已载入示例数据。示例账号的密码须在首次登录时修改。")
    if seeds.flag_published_passwords():
        print("提示：有账号仍在使用 README 中公开的示例密码，须在下次登录时修改。")
    if documents.Account.objects.only("id").first() is None:
        print("还没有任何账号：运行 xinfang create-admin --username 用户名 新建系统管理员。")
    print(f"存储：{info.kind} {info.location}")
    print(f"管理面板：http://{args.host}:{args.port}/admin/")
    if args.dev:
        app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
        return 0
    # a production WSGI server: gunicorn, threads in one process unless asked for more
    if info.kind == "embedded":  # the files are opened anew by gunicorn's workers
        from documents.store import disconnect_all

        disconnect_all()
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    os.execv(
        gunicorn,
        [
            gunicorn,
            "--worker-class",
            "gthread",
            "--workers",
            str(max(args.workers, 1)),
            "--threads",
            str(max(args.threads, 1)),
            "--bind",
            f"{args.host}:{args.port}",
            "admin:create_app()",
        ],
    )
    return 0  # not reached: gunicorn runs in this process


def _check(app, args) -> int:
    import documents
    from exports import font_report

    problems = 0
    info = app.extensions["xinfang_store"]
    print(f"存储：{info.kind}  位置：{info.location}  数据库：{info.db_name}")
    try:
        for model in documents.ALL_DOCUMENTS:
            print(f"  {model._meta['collection']}: {model.objects.count()} 条")
    except Exception as exc:  # a server that cannot be reached: say so, do not crash
        print(f"  无法读取数据库：{exc}")
        problems += 1
    problems += _check_cards(args)
    print("字体（公文各部分所用字体）：")
    stacks = app.config.get("FONT_STACKS")
    for role, family in font_report(stacks if isinstance(stacks, dict) else None).items():
        print(f"  {role}: {family or '缺失'}")
        problems += family is None
    print("系统库：")
    for lib, package in (
        ("pango-1.0", "libpango-1.0-0"),
        ("harfbuzz-subset", "libharfbuzz-subset0"),
    ):
        found = ctypes.util.find_library(lib)
        print(f"  {package}: {'已安装' if found else '缺失'}")
        problems += not found
    try:
        import weasyprint

        print(f"  WeasyPrint {weasyprint.__version__}: 可用")
    except Exception as exc:  # OSError when a system library is missing
        print(f"  WeasyPrint: 不可用（{exc}）")
        problems += 1
    print("检查通过。" if not problems else f"发现 {problems} 个问题。")
    return 0 if not problems else 1


def _check_cards(args) -> int:
    """Stored deadlines and the list index against the cards; with --fix, put right."""
    from documents import numbering
    from documents.cardquery import index as card_index
    from documents.case import CaseCard

    print("一案一卡：")
    try:
        stale = sum(1 for _ in CaseCard.stale_deadlines())
        table = card_index.current()
        rows = table.differences(CaseCard._get_collection()) if table else ([], [])
    except Exception as exc:  # noqa: BLE001 - a store that cannot be read: say so
        print(f"  无法检查：{exc}")
        return 1
    unnumbered = numbering.unnumbered(CaseCard).count()
    shared = numbering.duplicates(CaseCard)
    print(f"  期限与现行期限规则、节假日数据不一致：{stale} 张")
    print(f"  没有编号的卡片：{unnumbered} 张")
    print(f"  重复的编号：{len(shared)} 个")
    if shared:  # numbers are given on registration: a duplicate came with imported data
        print("    （编号在登记时生成，重复的多来自导入或合并的数据，请核对）")
    for row in shared[:20]:
        print(f"    {row['number']}：{row['count']} 张卡片")
    if table is not None:
        print(f"  列表索引与卡片不一致：{len(rows[0]) + len(rows[1])} 条")
    if not args.fix:
        if stale or rows[0] or rows[1] or unnumbered:
            print("  运行 xinfang check --fix 可重新计算、修复、补编号。")
        return (
            int(bool(stale))
            + int(bool(rows[0] or rows[1]))
            + int(bool(unnumbered))
            + int(bool(shared))
        )
    # the list index first: numbering looks up the numbers in use there
    if table is not None:
        print(f"  已修复列表索引：{card_index.check()} 条")
    print(f"  已重新计算期限：{CaseCard.recompute_deadlines()} 张")
    print(f"  已按登记顺序补编号：{numbering.backfill(CaseCard)} 张")
    return int(bool(shared))  # which of two cards keeps the number is the clerk's call


def _create_admin(app, args) -> int:
    import getpass

    import mongoengine

    import documents
    from documents import accounts

    password = args.password or os.environ.get("XINFANG_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            print(
                "错误：请用 --password 或环境变量 XINFANG_ADMIN_PASSWORD 给出密码", file=sys.stderr
            )
            return 1
        password = getpass.getpass("密码：")
        if getpass.getpass("再输一遍：") != password:
            print("错误：两次输入的密码不一致", file=sys.stderr)
            return 1
    if documents.Account.objects(username=args.username).first() is not None:
        print(f"错误：用户名“{args.username}”已存在", file=sys.stderr)
        return 1
    roles = accounts.ensure_roles()
    account = documents.Account(username=args.username, name=args.name, role=roles["admin"])
    try:
        account.set_password(password)
        account.save()
    except mongoengine.ValidationError as problem:
        print(
            f"错误：{problem.message if hasattr(problem, 'message') else problem}", file=sys.stderr
        )
        return 1
    print(f"已新建系统管理员：{args.username}")
    return 0


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
            result = importer.import_text(parts[(args.part or 1) - 1][1])
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


if __name__ == "__main__":
    sys.exit(main())
