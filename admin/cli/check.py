"""``xinfang check``: the store and its record counts, the cards' stored deadlines, numbers and
list index (``--fix`` puts them right), the fonts and the system libraries the documents need."""

import ctypes.util


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
