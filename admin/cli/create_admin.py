"""``xinfang create-admin``: a 系统管理员 account, its password given, taken from the
environment or asked twice at the terminal."""

import os
import sys


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
