"""``xinfang serve`` and ``xinfang seed``: the panel under a production WSGI server (or Flask's
development one), with the sample data loaded into an empty embedded store; the sample data
alone."""

import os
import sys

import admin  # load_samples, looked up when called


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
