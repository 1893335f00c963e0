"""The choices of a case card that other modules share (the reports count by them, the card-query
contract sorts by them), kept apart from the documents so that any module can import them."""

SOURCES = ("来访", "来信", "网上", "电话", "上级交办", "上级督办")
CASE_TYPES = ("初访", "重复访", "越级访", "集体访", "赴京访")
# what else a petition was, besides its type: the reports count each of these
CASE_MARKS = ("越级访", "集体访", "赴京访", "赴省访", "非正常访", "群体性事件")
OUTCOMES = ("化解", "息访罢访", "稳控", "不予受理")
STATUSES = ("登记", "办理中", "已答复", "已办结")
CLOSED = STATUSES[-1]  # 已办结: the card is closed, its open duties end

# the parts of a plan's body drawn from its structure (documents.plan_parts), with their
# default headings, in the default order
PARTS = (
    ("group", "组织领导"),
    ("principles", "工作原则"),
    ("targets", "目标任务"),
    ("receptions", "接访安排"),
    ("procedure", "接访程序"),
    ("reporting", "报告制度"),
    ("phases", "实施步骤"),
)
PART_HEADINGS = dict(PARTS)
