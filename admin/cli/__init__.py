"""The `xinfang` command: serve the panel, load the sample data, check the installation.

``main`` (the entry point ``pyproject.toml`` names) reads the command line and opens the app;
each command group is a module of this package, called with the app and the arguments and
giving the exit status: ``serve`` (serve, seed), ``check``, ``export``, ``import_plan``
(import) and ``create_admin`` (create-admin).
"""

import argparse
import datetime
import os
import sys

import admin  # the app factory, looked up when called (tests replace it)
from documents.store import StoreError

from .check import _check
from .create_admin import _create_admin
from .export import _export
from .import_plan import _import
from .serve import _seed, _serve


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
        "--year",
        type=_year,
        metavar="YEAR",
        help="原文没有写年份时，其中日期所属的年份（默认今年）",
    )
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


def _year(text):
    """A year for ``--year``: 1990 to 2099, else a message in Chinese."""
    if not text.isdigit() or not 1990 <= int(text) <= 2099:
        raise argparse.ArgumentTypeError(f"年份应为 1990 至 2099 之间的四位数字，而不是“{text}”")
    return int(text)
