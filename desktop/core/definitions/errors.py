"""Errors in definition files, each with a stable code and the file, line and place inside it.

The codes are stable: tests, documentation and people refer to them, so a code is never reused for
another problem. resources/templates/README.md lists them.
"""

from __future__ import annotations

from ..i18n import N_, tr

CODES: dict[str, str] = {
    "GK100": N_("YAML 格式错误"),
    "GK101": N_("未知的键"),
    "GK102": N_("引用的文件或模板不存在"),
    "GK103": N_("表键重复"),
    "GK104": N_("extends 循环引用"),
    "GK105": N_("补丁指向不存在的行"),
    "GK106": N_("补丁指向不存在的列"),
    "GK107": N_("补丁指向不存在的块"),
    "GK108": N_("补丁指向不存在的表"),
    "GK109": N_("补丁指向不存在的规则"),
    "GK110": N_("取值不合规"),
    "GK111": N_("缺少必填项"),
    "GK112": N_("规则编号重复"),
    "GK113": N_("引用的文件不在模板文件夹之下"),
    "GK114": N_("补丁写法不对"),
    "GK115": N_("补丁不能修改键"),
    "GK116": N_("补丁插入的键已存在"),
    "GK117": N_("补丁要改名的表头文字不存在"),
    "GK118": N_("模板编号与文件夹名不一致"),
    "GK120": N_("规则引用了不存在的表、行或列或无法解析"),
    "GK199": N_("定义错误"),
}


class DefinitionError(Exception):
    """A definition that cannot be used; the message gives the code, file, line and place.

    ``file`` and ``where`` (a dotted path such as ``blocks.0.rows.3``) as before; ``code`` is one of
    :data:`CODES`; ``line`` is the 1-based line in ``file`` when known.
    """

    def __init__(self, file: str, where: str, problem: str, *, code: str = "GK199", line: int | None = None,
                 rule_id: str | None = None) -> None:
        self.file, self.where, self.problem = file, where, problem
        self.code, self.line, self.rule_id = code, line, rule_id
        place = file + (tr(" 第 {line} 行", line=line) if line else "")
        place += f"（{where}）" if where else ""
        super().__init__(f"{code} {place}: {problem}")
