"""Accounts, roles and their permissions, and the audit log (who did what, never edited)."""

import datetime
import re
import secrets

from mongoengine import (
    CASCADE,
    DENY,
    NULLIFY,
    BooleanField,
    DateTimeField,
    Document,
    IntField,
    ListField,
    ReferenceField,
    ValidationError,
)
from pymongo import ReturnDocument
from werkzeug.security import check_password_hash, generate_password_hash

from . import store
from .fields import NAME, SHORT, TEXT, StringField
from .unit import Person, Unit

# What a role may do: reading and writing each area, and the special rights.
PERMISSIONS = (
    ("unit:read", "查看单位、人员、领导小组"),
    ("unit:write", "维护单位、人员、领导小组"),
    ("plan:read", "查看实施方案"),
    ("plan:write", "编写实施方案"),
    ("fields:write", "定义自定义字段"),
    ("case:read", "查看一案一卡"),
    ("case:write", "登记和办理一案一卡"),
    ("case:delete", "归档和恢复一案一卡"),
    ("case:own", "只看本人包案的一案一卡和本人的接访安排"),
    ("schedule:read", "查看接访日程"),
    ("schedule:write", "安排和记录接访"),
    ("rules:write", "设置办理程序和期限规则"),
    ("personal_data", "查看完整的证件号码和电话"),
    ("export", "导出列表"),
    ("print", "打印公文和卡片"),
    ("audit:read", "查看审计日志"),
    ("accounts:write", "管理账号和角色"),
)
SCOPES = (("unit", "本单位"), ("subunits", "本单位及下级单位"), ("all", "全部单位"))

DEFAULT_ROLES = {
    "admin": ("系统管理员", [p for p, _ in PERMISSIONS if p != "case:own"], "all"),
    "staff": (
        "信访办工作人员",
        [
            "unit:read",
            "unit:write",
            "plan:read",
            "plan:write",
            "fields:write",
            "case:read",
            "case:write",
            "case:delete",
            "schedule:read",
            "schedule:write",
            "rules:write",
            "personal_data",
            "export",
            "print",
        ],
        "unit",
    ),
    "leader": (
        "领导干部",
        [
            "unit:read",
            "plan:read",
            "case:read",
            "case:write",
            "case:own",
            "schedule:read",
            "schedule:write",
            "print",
        ],
        "unit",
    ),
    "superior": (
        "上级机关",
        ["unit:read", "plan:read", "case:read", "schedule:read", "export", "print"],
        "subunits",
    ),
}


class Role(Document):
    key = StringField(required=True, unique=True, max_length=SHORT, regex=r"^[a-z_]+$")
    name = StringField(required=True, max_length=NAME)
    permissions = ListField(StringField(choices=PERMISSIONS))
    scope = StringField(choices=SCOPES, default="unit")

    meta = {"collection": "roles"}

    def __str__(self):
        return self.name or self.key

    def allows(self, permission) -> bool:
        return permission in self.permissions


class Account(Document):
    username = StringField(
        required=True, unique=True, max_length=SHORT, regex=r"^[A-Za-z0-9_.@-]{2,50}$"
    )
    name = StringField(required=True, max_length=NAME)
    password_hash = StringField(required=True, max_length=TEXT)
    role = ReferenceField(Role, required=True, reverse_delete_rule=DENY)
    unit = ReferenceField(Unit, reverse_delete_rule=CASCADE)
    person = ReferenceField(Person, reverse_delete_rule=NULLIFY)  # a leader's own record
    active = BooleanField(default=True)
    last_login = DateTimeField()
    # a password given by someone else (a demo password, one set by an administrator) must be
    # changed at the next login: the session can do nothing else until it is
    must_change_password = BooleanField(default=False)
    # part of every session's id: raising it ends every session of the account (logout,
    # a new password, deactivation)
    session_epoch = IntField(default=0, min_value=0)
    # part of every calendar feed link: a new key revokes the old links
    feed_key = StringField(max_length=SHORT)

    meta = {"collection": "accounts"}

    def __str__(self):
        return f"{self.name}（{self.username}）"

    # Flask-Login
    @property
    def is_authenticated(self):
        return True

    @property
    def is_active(self):
        return bool(self.active)

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        # Flask-Login keeps this in the session: a cookie of an ended session names an old epoch
        return f"{self.pk}.{self.session_epoch or 0}"

    @classmethod
    def for_session(cls, session_id: str):
        """The active account a session id names, None when the session has been ended."""
        pk, _, epoch = (session_id or "").partition(".")
        if not epoch.isdigit():
            return None
        try:
            account = cls.objects(pk=pk).first()
        except (ValidationError, TypeError):
            return None
        if account is None or not account.active or (account.session_epoch or 0) != int(epoch):
            return None
        return account

    def end_sessions(self):
        """Every session of this account ends (the next request of each finds a new epoch)."""
        type(self).objects(pk=self.pk).update_one(inc__session_epoch=1)
        self.reload("session_epoch")

    def new_feed_key(self) -> str:
        """A new key for calendar feed links: the links made before stop working."""
        self.feed_key = secrets.token_urlsafe(16)
        type(self).objects(pk=self.pk).update_one(set__feed_key=self.feed_key)
        return self.feed_key

    def set_password(self, password: str):
        problem = password_problem(password)
        if problem:
            raise ValidationError(problem, errors={"password_hash": problem})
        self.password_hash = generate_password_hash(password)  # scrypt by default

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def can(self, permission) -> bool:
        return self.is_active and self.role is not None and self.role.allows(permission)

    def unit_ids(self):
        """The units this account may see; None for all."""
        scope = self.role.scope if self.role else "unit"
        if scope == "all":
            return None
        if self.unit is None:
            return []
        ids = [self.unit.pk]
        if scope == "subunits":
            frontier = [self.unit.pk]
            while frontier:
                children = [u.pk for u in Unit.objects(parent__in=frontier).only("id")]
                frontier = [c for c in children if c not in ids]
                ids += frontier
        return ids


def password_problem(password: str) -> str | None:
    if len(password or "") < 8:
        return "密码至少8位"
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        return "密码须同时包含字母和数字"
    return None


class AuditEvent(Document):
    """One thing someone did: logins (failed too), changes, exports, prints, personal data."""

    at = DateTimeField(required=True)
    actor = StringField(max_length=NAME)
    username = StringField(max_length=SHORT)
    action = StringField(required=True, max_length=SHORT)
    target = StringField(max_length=NAME)
    target_id = StringField(max_length=SHORT)
    detail = StringField(max_length=TEXT)
    address = StringField(max_length=SHORT)

    meta = {
        "collection": "audit_events",
        "ordering": ["-at"],
        "indexes": [("action", "username", "at"), ("address", "at"), "-at"],
    }

    ACTIONS = {
        "login": "登录",
        "login_failed": "登录失败",
        "logout": "退出",
        "create": "新建",
        "update": "修改",
        "delete": "删除",
        "export": "导出",
        "print": "打印",
        "view_personal": "查看个人信息",
        "denied": "越权访问",
        "submit": "报送",
        "password_changed": "修改密码",
        "login_refused": "登录被限制",
        "feed": "订阅日程",
        "feed_reset": "重置订阅链接",
    }

    def __str__(self):
        return f"{self.at} {self.actor} {self.ACTIONS.get(self.action, self.action)}"


def record(action, *, actor="", username="", target="", target_id="", detail="", address=""):
    AuditEvent(
        at=datetime.datetime.now().replace(microsecond=0),
        actor=actor,
        username=username,
        action=action,
        target=target,
        target_id=str(target_id or ""),
        detail=detail[:2000],
        address=address,
    ).save()


def forget_old_events(days) -> int:
    """Delete the audit events older than ``days`` (0: none), by the time in their ids, so
    that the embedded store reads no event to find them. The number deleted."""
    if not days:
        return 0
    cutoff = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)
    return store.delete_made_before(AuditEvent._get_collection(), cutoff)


# --- login throttling ----------------------------------------------------------------------------
# Every login attempt takes a place in a counter per user name and per address before its
# password is checked, with one atomic $inc (on the embedded store under its inter-process write
# lock): forty attempts at once get forty different counts, and only those within the limit are
# checked. A success gives its place back; a failure keeps it for the window.

THROTTLE_COLLECTION = "login_attempts"
WINDOW_MINUTES = 15


def _throttle():
    return Account._get_db()[THROTTLE_COLLECTION]


def _window(now):
    seconds = WINDOW_MINUTES * 60
    start = int(now.timestamp() // seconds)
    elapsed = (now.timestamp() % seconds) / seconds
    return start, elapsed


def take_attempt(keys, limit, now=None) -> list[str] | None:
    """Count one attempt against each key (e.g. ``name:…``, ``addr:…``). The counter ids taken,
    to give back with ``give_back`` on success; None when a key is over ``limit`` failures in
    the sliding window (then nothing is taken)."""
    now = now or datetime.datetime.now()
    window, elapsed = _window(now)
    taken = []
    refused = False
    for key in keys:
        ident = f"{key}|{window}"
        current = _throttle().find_one_and_update(
            {"_id": ident},
            {"$inc": {"n": 1}, "$setOnInsert": {"at": now}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        taken.append(ident)
        previous = _throttle().find_one({"_id": f"{key}|{window - 1}"}) or {}
        # a sliding window: the last window's failures count for the part not yet past
        if current["n"] + previous.get("n", 0) * (1 - elapsed) > limit:
            refused = True
    if refused:
        give_back(taken)
        return None
    return taken


def give_back(taken):
    for ident in taken or ():
        _throttle().update_one({"_id": ident}, {"$inc": {"n": -1}})


def forget_old_attempts(now=None):
    now = now or datetime.datetime.now()
    _throttle().delete_many({"at": {"$lt": now - datetime.timedelta(minutes=3 * WINDOW_MINUTES)}})


def ensure_roles():
    """The four roles, created with their default permissions when missing."""
    roles = {}
    for key, (name, permissions, scope) in DEFAULT_ROLES.items():
        role = Role.objects(key=key).first()
        if role is None:
            role = Role(key=key, name=name, permissions=permissions, scope=scope).save()
        roles[key] = role
    return roles
