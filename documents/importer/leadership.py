"""The leadership group: 组长：…/副组长：…/成员：… lists and the prose form 由……任组长."""

import re

from .common import CJK, TITLE_SUFFIXES
from .parts import _all_text

_PERSON = re.compile(rf"([{CJK}]{{2,4}})\s*[（(]([^）)\n]{{1,40}})[）)]")
_ROLE_LABEL = re.compile(r"((?:副?组长|成员)[：:])")


def _group(result):
    """组长：杨立平（农建营党支部书记）副组长：… and the prose form 由……任组长，……为成员."""
    members, group_name, office_duties = [], "", []
    for section in result.sections:
        lines = (section["text"] or "").split("\n")
        if not any(
            re.match(r"^\s*(副?组\s*长|成\s*员)\s*[：:]", x) for x in lines
        ) and not re.search(r"(副?组长|成员)[：:]", section["heading"]):
            continue
        found, kept = _group_lines(lines)
        members += found
        section["text"] = "\n".join(kept)
        heading = section["heading"]
        match = re.search(r"成立(.*领导小组)", heading)
        group_name = group_name or (match.group(1) if match else "")
    if not members:
        prose = re.search(
            rf"由([{CJK}、]{{1,40}}?)任组长[，,]([^。\n]{{1,200}}?)为成员的?([{CJK}“”]{{0,30}}领导小组)",
            _all_text(result),
        )
        if prose:
            members.append(("组长", *_name_and_title(prose.group(1))[::-1]))
            for chunk in re.split(r"[，,]", prose.group(2)):
                if chunk:
                    title, name = _name_and_title(chunk)
                    members.append(("成员", name, title))
            duties = re.search(r"领导小组[，,](负责[^。；\n]{1,200})", _all_text(result))
            office_duties = [duties.group(1)] if duties else []
            campaign = re.search(r"“([^”]{1,60})”", result.title)
            group_name = f"“{campaign.group(1)}”工作领导小组" if campaign else "领导小组"
    if not members:
        members, group_name = _roles_in_prose(_all_text(result))
    if not members:
        return
    result.group = {
        "name": group_name or "领导小组",
        "members": members,
        "office_name": "",
        "office_director": "",
        "office_director_title": "",
        "office_duties": office_duties,
    }
    text = _all_text(result)
    if "下设办公室" in text or "领导小组办公室" in text:
        result.group["office_name"] = "领导小组办公室"
    director = re.search(rf"由([{CJK}]{{2,14}}?)(?:同志)?(兼任|担任|任)(?:办公室)?主任", text)
    if director:
        title, name = _name_and_title(director.group(1))
        result.group["office_director"] = name
        result.group["office_director_title"] = title + (
            "（兼任）" if director.group(2) == "兼任" and title else ""
        )
    duties = re.search(r"主要职责[是为]?[：:](.+?)(?:\n|$)", text)
    if duties:
        result.group["office_duties"] = [
            d.strip(" 。") for d in re.split(r"[；;]", duties.group(1)) if d.strip(" 。")
        ]


_ROLE_PROSE = re.compile(
    rf"由([{CJK}、]{{2,20}}?)(?:担任|任)组长[，,]([{CJK}、]{{2,20}}?)(?:担任|任)副组长[，,]"
    rf"([{CJK}、]{{2,40}}?)(?:为|任)成员"
)


def _roles_in_prose(text):
    """由局长任组长，分管信访工作的领导任副组长，办公室、稳安办、监察室为成员: members named by
    their post (the clerk links the people); and the group's name when the sentence gives it."""
    match = _ROLE_PROSE.search(text)
    if not match:
        return [], ""
    members = [("组长", *_name_and_title(match.group(1))[::-1])]
    members += [("副组长", *_name_and_title(x)[::-1]) for x in match.group(2).split("、") if x]
    members += [("成员", *_name_and_title(x)[::-1]) for x in match.group(3).split("、") if x]
    before = text[max(0, match.start() - 40) : match.start()]
    name = re.search(rf"成立([{CJK}]{{2,20}}领导小组)", before)
    return members, name.group(1) if name else ""


def _group_lines(lines):
    """(members, the lines with one person a line) of a 组长：…/副组长：…/成员：… list."""
    members, kept = [], []
    role = last_role = None

    def keep(member_role, name, title):
        # one person a line; the role label only where it changes
        nonlocal last_role
        members.append((member_role, name, title))
        entry = f"{name}（{title}）" if title else name
        kept.append(entry if member_role == last_role else f"{member_role}：{entry}")
        last_role = member_role

    for line in lines:
        label = re.match(r"^\s*((?:副?组|成|组)\s*[长员])\s*[：:]\s*(.*)$", line)
        rest = line
        if label:
            role, rest = label.group(1).replace(" ", ""), label.group(2)
        if role is None:
            kept.append(line)
            continue
        people = _PERSON.findall(rest)
        if people and _ROLE_LABEL.search(rest):
            # 组长：杨立平（…）副组长：王海平（…） on one line
            for chunk in _ROLE_LABEL.split(line):
                if _ROLE_LABEL.fullmatch(chunk):
                    role = chunk[:-1]
                    continue
                for name, title in _PERSON.findall(chunk):
                    keep(role, name, title)
            continue
        if people and not re.sub(r"[\s、，,；;。]", "", _PERSON.sub("", rest)):
            for name, title in people:
                keep(role, name, title)
            continue
        names = [n for n in re.split(r"[、，,\s]+", rest.strip("。 ")) if n]
        if label and names and all(re.fullmatch(rf"[{CJK}]{{2,4}}", n) for n in names):
            members.extend((role, n, "") for n in names)
            kept.append(line)
            last_role = role
            continue
        role = last_role = None
        kept.append(line)
    return members, kept


def _name_and_title(text):
    """乡党委书记乜冠军 → (乡党委书记, 乜冠军); 崔国良 → ("", 崔国良)."""
    text = text.strip()
    best = None
    for suffix in TITLE_SUFFIXES:
        at = text.rfind(suffix)
        if at >= 0 and 2 <= len(text) - at - len(suffix) <= 3:
            end = at + len(suffix)
            if best is None or end > best:
                best = end
    if best is None:
        return "", text
    return text[:best], text[best:]
