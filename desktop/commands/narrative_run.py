"""``gongkai narrative draft|check|import|export|prior``: the 情况说明 and the whole disclosure text.

- ``draft FILE [--save [--replace]]``: the 情况说明 drafted from the tables (printed, or stored);
- ``check FILE [--text TXT|DOCX] [--json]``: the prose findings of the stored text (or of a text file,
  nothing stored); exit 1 when there are 错误;
- ``import FILE TEXT``: store the 第三部分 (and 第一/第四部分 when present) of a .txt/.docx disclosure;
- ``export FILE -o OUT.docx [--pdf OUT.pdf]``: the whole disclosure in official order;
- ``prior FILE [--link LAST.gkb] [--set KEY=AMOUNT …] [--json]``: 上年数, copied or typed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.formats.errors import ExportError
from ..core.i18n import N_, tr
from ..core.money import format_amount
from ..core.narrative.prior import PriorError, link_prior, set_typed, spec_of
from ..core.narrative.spec import NarrativeSpecError
from ..core.narrative.store import NarrativeStoreError, read_prior
from ..core.narrative.text import NarrativeTextError
from ..core.rules.findings import Finding
from ..core.session import Session
from ..core.user import current_user
from . import EXIT_FINDINGS, EXIT_OK, CliError, print_json

REFUSALS = (NarrativeTextError, NarrativeStoreError, NarrativeSpecError, PriorError, ExportError)


def _guarded(func):  # noqa: ANN001, ANN202 - an argparse handler
    """Turn the narrative refusals into :class:`CliError` (printed in Chinese, exit 2)."""

    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except REFUSALS as exc:
            raise CliError(str(exc)) from exc

    return run


def _open(path: str, *, readonly: bool) -> Session:
    session = Session.open(Path(path), readonly=readonly, who=current_user())
    if not readonly and session.doc.readonly:
        reason = session.doc.readonly_reason
        session.close()
        raise CliError(tr("文件“{name}”只能以只读方式打开（{reason}），未做任何修改。", name=Path(path).name, reason=reason))
    if spec_of(session) is None:
        name = session.tset.name
        session.close()
        raise CliError(tr("模板“{name}”没有情况说明的核对数据，无法处理情况说明。", name=name))
    return session


def _report(session: Session, findings: list[Finding], as_json: bool) -> int:
    from ..core.report import finding_dict, summary

    counts = summary(findings)
    if as_json:
        print_json({"file": str(session.doc.path), "set": session.tset.id, "summary": counts,
                    "findings": [finding_dict(session, f) for f in findings]})
    else:
        print(tr("情况说明审核：错误 {error} 条，提示 {warning} 条，尾数误差 {rounding} 条", error=counts['error'], warning=counts['warning'], rounding=counts['rounding']))
        for f in findings:
            print(f"[{f.severity_label}] {f.message}")
        if not findings:
            print(tr("情况说明中能与表格对应的数字均一致。"))
    return EXIT_FINDINGS if counts["error"] else EXIT_OK


@_guarded
def cmd_draft(args: argparse.Namespace) -> int:
    session = _open(args.file, readonly=not args.save)
    try:
        if not args.save:
            from ..core.narrative.draft import draft_narrative

            print(draft_narrative(session), end="")
            return EXIT_OK
        if session.narrative.sections() and not args.replace:
            raise CliError(tr("文件中已有情况说明，未覆盖。如确要用草稿替换，请加 --replace。"))
        count = session.narrative.import_draft(who=current_user())
        print(tr("已按表格数字生成情况说明草稿（{count} 节），存入 {file}。", count=count, file=args.file))
    finally:
        session.close()
    return EXIT_OK


@_guarded
def cmd_check(args: argparse.Namespace) -> int:
    session = _open(args.file, readonly=True)
    try:
        if args.text:
            from ..core.narrative import check_narrative
            from ..core.narrative.intake import read_user_text

            findings = check_narrative(session, read_user_text(Path(args.text)), session.narrative.prior())
        else:
            if not session.narrative.sections():
                raise CliError(tr("文件中还没有情况说明。请先 gongkai narrative import 或 draft --save，"
                               "或用 --text 指定要核对的文本。"))
            findings = session.narrative.findings()
        return _report(session, findings, args.json)
    finally:
        session.close()


@_guarded
def cmd_import(args: argparse.Namespace) -> int:
    from ..core.narrative.intake import read_user_text

    text = read_user_text(Path(args.text))  # read and refused before the document is touched
    session = _open(args.file, readonly=False)
    try:
        result = session.narrative.import_text(text, who=current_user())
        others = "，".join(tr("{name} {n} 节", name=name, n=n) for name, n in
                          ((tr("第一部分 概况"), result.parts.get("gaikuang", 0)),
                           (tr("第四部分 名词解释"), result.parts.get("mingci", 0))) if n)
        print(tr("已导入情况说明 {sections} 节", sections=result.sections) + (tr("（另有{others}）", others=others) if others else "") + tr("，存入 {file}。", file=args.file))
        findings = session.narrative.findings()
        errors = sum(1 for f in findings if f.severity == "error")
        print(tr("情况说明审核：错误 {errors} 条，共 {findings_count} 条（详见 gongkai narrative check）。", errors=errors, findings_count=len(findings)))
    finally:
        session.close()
    return EXIT_OK


@_guarded
def cmd_export(args: argparse.Namespace) -> int:
    from ..core.narrative.disclosure import convert_to_pdf, export_disclosure, soffice

    target = Path(args.output)
    session = _open(args.file, readonly=True)
    try:
        export_disclosure(session, target)
    finally:
        session.close()
    print(tr("已导出公开文本 {target}（封面、目录、第一至第五部分）", target=target))
    if args.pdf:
        if soffice() is None:
            print(tr("本机没有安装 LibreOffice，未生成 PDF；可用 Word 或 WPS 打开 .docx 另存为 PDF。"))
            return EXIT_OK
        convert_to_pdf(target, Path(args.pdf))
        print(tr("已由 LibreOffice 生成 PDF {pdf}", pdf=args.pdf))
    return EXIT_OK


@_guarded
def cmd_prior(args: argparse.Namespace) -> int:
    session = _open(args.file, readonly=not (args.link or args.set))
    try:
        who = current_user()
        if args.link:
            result = link_prior(session, Path(args.link), who=who)
            print(tr("已从上年文件复制 {copied_count} 项上年数（{source}）", copied_count=len(result.copied), source=result.source))
            if result.missing:
                print(tr("上年文件中没有：{missing}", missing='、'.join(result.missing)))
        with session.step(N_("填写上年数")):  # every --set of one command is one undo step
            for item in args.set or []:
                key, sep, text = item.partition("=")
                if not sep:
                    raise CliError(tr("“{item}”应写成 项目=金额，如 in_zj=34412192.36", item=item))
                set_typed(session, key.strip(), text, who=who)
        spec, stored = spec_of(session), read_prior(session.doc)
        rows = [(p.key, p.label, stored.get(p.key)) for p in (spec.prior if spec else ())]
        if args.json:
            print_json([{"key": k, "label": label, "value": format_amount(v.value, grouping=False) if v else None,
                         "source": v.source if v else None} for k, label, v in rows])
        else:
            for key, label, value in rows:
                shown = f"{format_amount(value.value)}（{value.source}）" if value else tr("（未填）")
                print(tr("{key}\t上年{label}\t{shown}", key=key, label=label, shown=shown))
        findings = [f for f in session.narrative.findings() if f.rule_id == "narrative.opening"]
        for f in findings:
            print(f"[{f.severity_label}] {f.message}")
        return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else EXIT_OK
    finally:
        session.close()
