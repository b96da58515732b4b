"""The repository's last storage-limit guard (storage/limits.refuse_unstorable) names the refused object in the
user's language: the Chinese summary and lines used to start with the English label (dealer 'SH009', answer R02)."""

from __future__ import annotations

from typing import Any

import pytest

from dealer_audit.core.answers import Answer
from dealer_audit.core.dealers import Dealer
from dealer_audit.core.standard import LocalText
from dealer_audit.errors import ValidationFailed


def test_a_dealer_the_database_cannot_hold_is_named_in_both_languages(repo: Any) -> None:
    nul = Dealer("SH009", LocalText("上海\x00九店", "nine"), "east")
    with pytest.raises(ValidationFailed) as refused:
        repo.save_dealers([nul])
    en, zh = refused.value.text("en").splitlines(), refused.value.text("zh").splitlines()
    assert en[0] == "dealer 'SH009': cannot be stored; nothing was written"
    assert en[1] == "dealer 'SH009' (name_zh): name_zh: contains a NUL character (U+0000), which the database cannot " \
        "store; remove it"  # fmt: skip
    assert zh[0] == "经销商 'SH009'：无法保存，未写入任何数据"
    assert zh[1] == "经销商 'SH009' (name_zh): name_zh：含有数据库无法保存的 NUL 字符（U+0000）：请删除该字符"
    assert "dealer" not in refused.value.text("zh")


def test_an_answer_the_database_cannot_hold_is_named_in_both_languages(loaded_repo: Any, make_audit: Any) -> None:
    audit = make_audit()
    loaded_repo.save_audit(audit)
    with pytest.raises(ValidationFailed) as refused:
        loaded_repo.save_answer(audit.audit_id, Answer("R02", "yes", note="a\x00b"), why="fix")
    assert refused.value.text("en").startswith("answer R02: cannot be stored; nothing was written\nanswer R02 (")
    zh = refused.value.text("zh")
    assert zh.startswith("检查项 R02 的回答：无法保存，未写入任何数据\n检查项 R02 的回答 (answers.R02.note): ")
    assert "answer R02" not in zh
    assert loaded_repo.get_audit(audit.audit_id).answers["R02"] == audit.answers["R02"]  # nothing written


def test_a_file_label_stays_as_it_is_in_both_languages(loaded_repo: Any, make_audit: Any) -> None:
    audit = make_audit(source="visits/SH001.json", auditor="王\x00芳")
    with pytest.raises(ValidationFailed) as refused:
        loaded_repo.save_audits([audit])
    assert refused.value.text("zh").startswith(
        "visits/SH001.json：无法保存，未写入任何数据\nvisits/SH001.json (auditor): "
    )
